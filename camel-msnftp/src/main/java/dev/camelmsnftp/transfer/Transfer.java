package dev.camelmsnftp.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file transfer as operators see it while it runs and when it has ended: who, what, how far, how fast. The
 * values change while it runs (read them from any thread); {@link #cancel()} stops it. Handed to
 * {@link TransferListener}s and listed by {@link TransferManager#transfers()}.
 * <p>
 * When an accepted transfer ends, one summary line is logged at INFO (category {@code dev.camelmsnftp.transfer.Transfer}):
 * name, peer, bytes, time, rate, flow and dialect, or why it failed. Offers we decline are logged where the decision
 * is made, with a limit on how many lines a peer can cause.
 */
public final class Transfer {

    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);

    /** Which way the file goes. */
    public enum Direction {
        /** We send the file. */
        SEND,
        /** We receive the file. */
        RECEIVE
    }

    /** Where the transfer stands. */
    public enum State {
        /** The INVITE is out (or in); no answer yet. */
        OFFERED,
        /** Accepted; connecting, or bytes moving. */
        ACCEPTED,
        /**
         * Every byte arrived and the receiver said so (success BYE, MAC checked); when we receive with
         * acknowledge=afterRoute, also the consumer's route delivered the file (the event comes after the route).
         */
        COMPLETED,
        /** Declined before a byte moved: CANCEL, a SIP refusal, or encryption settings with nothing in common. */
        REJECTED,
        /**
         * Accepted but did not complete: time-out, cancel, connection lost, protocol error, failure BYE; when we receive
         * with acknowledge=afterRoute, also a file that arrived but whose route failed (it is kept in moveFailed).
         */
        FAILED;

        /** Whether the transfer has ended. */
        public boolean finished() {
            return this == COMPLETED || this == REJECTED || this == FAILED;
        }
    }

    private final Direction direction;
    private final long cookie;
    private final SipAddress peer;
    private final String fileName;
    private final long size;
    private final Instant offeredAt = Instant.now();
    private final long offeredNanos = System.nanoTime();
    private final List<TransferListener> shared;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile TransferListener own;
    private volatile Runnable canceller;
    private volatile State state = State.OFFERED;
    private volatile Flow flow;
    private volatile Dialect dialect;
    private volatile long bytes;
    private volatile long acceptedNanos;
    private volatile long finishedNanos;
    /** When every byte was in, for a received file whose transfer ends only after the consumer's route. */
    private volatile long receivedNanos;
    private volatile TransferException failure;

    Transfer(Direction direction, long cookie, SipAddress peer, String fileName, long size, List<TransferListener> shared,
             TransferListener own) {
        this.direction = direction;
        this.cookie = cookie;
        this.peer = peer;
        this.fileName = fileName;
        this.size = size;
        this.shared = shared;
        this.own = own == null ? TransferListener.NONE : own;
    }

    // ------------------------------------------------------------------ view

    public Direction direction() {
        return direction;
    }

    /** The Invitation-Cookie. */
    public long cookie() {
        return cookie;
    }

    /** The other side: the recipient when we send, the sender when we receive. */
    public SipAddress peer() {
        return peer;
    }

    /** The file name as offered (when we receive: as the peer wrote it, not yet made safe). */
    public String fileName() {
        return fileName;
    }

    /** The size offered in the INVITE. */
    public long size() {
        return size;
    }

    /** Bytes of the file moved so far. */
    public long bytes() {
        return bytes;
    }

    public State state() {
        return state;
    }

    /** Who listens; known once accepted. */
    public Optional<Flow> flow() {
        return Optional.ofNullable(flow);
    }

    /** Plain or encrypted MSNFTP; known once accepted. */
    public Optional<Dialect> dialect() {
        return Optional.ofNullable(dialect);
    }

    /** When the INVITE was sent or received. */
    public Instant offeredAt() {
        return offeredAt;
    }

    /** Why it was rejected or failed. */
    public Optional<TransferException> failure() {
        return Optional.ofNullable(failure);
    }

    /** How much of the file moved, 0 to 100 (100 for an empty file once completed). */
    public int percent() {
        if (size <= 0) {
            return state == State.COMPLETED ? 100 : 0;
        }
        return (int) Math.min(100, bytes * 100 / size);
    }

    /**
     * Time the bytes took: since the receiver accepted until the end (once ended), or until the last byte was in when
     * we receive with acknowledge=afterRoute (the consumer's route then runs before the transfer ends, and is not
     * counted); zero before.
     */
    public Duration elapsed() {
        long accepted = acceptedNanos;
        if (accepted == 0) {
            return Duration.ZERO;
        }
        long end = receivedNanos != 0 ? receivedNanos : finishedNanos != 0 ? finishedNanos : System.nanoTime();
        return Duration.ofNanos(Math.max(0, end - accepted));
    }

    /** Time since the offer (until the end, once ended). */
    public Duration age() {
        long end = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        return Duration.ofNanos(Math.max(0, end - offeredNanos));
    }

    /** Average rate since the receiver accepted, in bytes per second; 0 before any byte moved. */
    public double bytesPerSecond() {
        long nanos = elapsed().toNanos();
        return nanos <= 0 || bytes == 0 ? 0 : bytes * 1e9 / nanos;
    }

    /** How long the rest should take at the average rate so far; empty while that cannot be told. */
    public Optional<Duration> remaining() {
        double rate = bytesPerSecond();
        if (state.finished() || rate <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) ((size - bytes) * 1000 / rate)));
    }

    /**
     * Cancels the transfer: CANCEL or CCL / an abort block to the peer; it ends as {@link State#FAILED} with a
     * {@link TransferCancelledException}. Returns false when it had already ended.
     */
    public boolean cancel() {
        Runnable stop = canceller;
        if (state.finished() || stop == null) {
            return false;
        }
        stop.run();
        return true;
    }

    /** One line: direction, name, peer, bytes, percent, rate, time left, flow, dialect, state. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder();
        line.append(direction == Direction.SEND ? "sending " : "receiving ").append(fileName)
                .append(direction == Direction.SEND ? " to " : " from ").append(peer.addressOfRecord())
                .append(": ").append(TransferFormat.bytes(bytes)).append(" of ").append(TransferFormat.bytes(size))
                .append(" (").append(percent()).append("%)");
        if (bytes > 0) {
            line.append(", ").append(TransferFormat.rate(bytesPerSecond()));
        }
        remaining().ifPresent(left -> line.append(", ").append(TransferFormat.duration(left)).append(" left"));
        flow().ifPresent(f -> line.append(", flow ").append(f));
        dialect().ifPresent(d -> line.append(", ").append(d));
        line.append(", ").append(state).append(", cookie ").append(cookie);
        return line.toString();
    }

    // ----------------------------------------------------------- transitions

    void listener(TransferListener listener) {
        this.own = listener == null ? TransferListener.NONE : listener;
    }

    void canceller(Runnable canceller) {
        this.canceller = canceller;
    }

    void offered() {
        tell(TransferListener::offered);
    }

    void accepted(Flow flow, Dialect dialect) {
        this.flow = flow;
        this.dialect = dialect;
        if (acceptedNanos == 0) {
            acceptedNanos = System.nanoTime();
        }
        state = State.ACCEPTED;
        tell(TransferListener::accepted);
    }

    /** The protocol layer's progress callback: bytes of the file moved so far. */
    void progress(long transferred, long total) {
        bytes = transferred;
        tell(TransferListener::progress);
    }

    /** We receive: every byte is in; the transfer ends when the file was handed over (or its route ended). */
    void received() {
        receivedNanos = System.nanoTime();
    }

    void completed() {
        finish(State.COMPLETED, null);
    }

    void rejected(TransferException why) {
        finish(State.REJECTED, why);
    }

    void failed(TransferException why) {
        finish(State.FAILED, why);
    }

    /** Ends as failed with {@code why} unless an outcome was already told: the last word when a transfer stops. */
    void ended(TransferException why) {
        finish(State.FAILED, why);
    }

    boolean isEnded() {
        return ended.get();
    }

    private void finish(State outcome, TransferException why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        finishedNanos = System.nanoTime();
        failure = why;
        state = outcome;
        logSummary();
        tell(TransferListener::finished);
    }

    private void logSummary() {
        if (!LOG.isInfoEnabled() || state == State.REJECTED && direction == Direction.RECEIVE) {
            return; // declined offers are logged where they are declined, with a bound on what a peer can cause
        }
        String who = peer.addressOfRecord();
        if (state == State.COMPLETED) {
            LOG.info("{} {} ({}) {} {} in {}, {}, flow {}, {}, cookie {}",
                    direction == Direction.SEND ? "Sent" : "Received", fileName, TransferFormat.bytes(size),
                    direction == Direction.SEND ? "to" : "from", who, TransferFormat.duration(elapsed()),
                    TransferFormat.rate(bytesPerSecond()), flow, dialect, cookie);
        } else if (state == State.REJECTED) {
            LOG.info("Sending {} ({}) to {} was declined: {}", fileName, TransferFormat.bytes(size), who,
                    failure == null ? "(no reason)" : failure.getMessage());
        } else {
            LOG.info("{} {} {} {} failed after {} of {} in {}: {}", direction == Direction.SEND ? "Sending" : "Receiving",
                    fileName, direction == Direction.SEND ? "to" : "from", who, TransferFormat.bytes(bytes),
                    TransferFormat.bytes(size), TransferFormat.duration(acceptedNanos == 0 ? age() : elapsed()),
                    failure == null ? "(no reason)" : failure.getMessage());
        }
    }

    private void tell(java.util.function.BiConsumer<TransferListener, Transfer> event) {
        for (TransferListener listener : shared) {
            safely(() -> event.accept(listener, this));
        }
        TransferListener mine = own;
        safely(() -> event.accept(mine, this));
    }

    static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("A transfer listener failed", e);
        }
    }
}
