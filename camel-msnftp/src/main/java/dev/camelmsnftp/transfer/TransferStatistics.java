package dev.camelmsnftp.transfer;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the transfers it is told of, and keeps those in flight: a {@link TransferListener} for JMX attributes, the
 * dev console and the command line's summary. Thread-safe.
 */
public final class TransferStatistics implements TransferListener {

    private final LongAdder offered = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Map<Transfer, Boolean> inFlight = new ConcurrentHashMap<>();

    @Override
    public void offered(Transfer transfer) {
        offered.increment();
        inFlight.put(transfer, Boolean.TRUE);
    }

    @Override
    public void accepted(Transfer transfer) {
        accepted.increment();
    }

    @Override
    public void finished(Transfer transfer) {
        inFlight.remove(transfer);
        bytes.add(transfer.bytes());
        switch (transfer.state()) {
            case COMPLETED -> completed.increment();
            case REJECTED -> rejected.increment();
            default -> failed.increment();
        }
    }

    /** INVITEs sent and received. */
    public long offered() {
        return offered.sum();
    }

    /** Offers the receiver accepted. */
    public long accepted() {
        return accepted.sum();
    }

    /** Offers declined before a byte moved (by us when we receive, by the peer when we send). */
    public long rejected() {
        return rejected.sum();
    }

    /** Transfers that completed. */
    public long completed() {
        return completed.sum();
    }

    /** Accepted transfers that did not complete (cancelled, timed out, cut, ...). */
    public long failed() {
        return failed.sum();
    }

    /** Bytes of file data moved by transfers that have ended, completed or not. */
    public long bytes() {
        return bytes.sum();
    }

    /** Transfers offered that have not ended, oldest first. */
    public List<Transfer> inFlight() {
        return inFlight.keySet().stream().sorted(Comparator.comparing(Transfer::offeredAt)).toList();
    }

    /** The transfer in flight with this Invitation-Cookie. */
    public Optional<Transfer> inFlight(long cookie) {
        return inFlight.keySet().stream().filter(transfer -> transfer.cookie() == cookie).findFirst();
    }

    @Override
    public String toString() {
        return "offered " + offered() + ", accepted " + accepted() + ", rejected " + rejected() + ", completed " + completed()
               + ", failed " + failed() + ", " + TransferFormat.bytes(bytes()) + ", in flight " + inFlight.size();
    }
}
