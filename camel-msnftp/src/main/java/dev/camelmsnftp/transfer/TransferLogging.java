package dev.camelmsnftp.transfer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Progress lines for long transfers, as camel-ftp's {@code transferLogging*} options give them: when a transfer is
 * accepted, then one line per interval (or per chunk of about 64 KiB when verbose) with name, peer, bytes, percent,
 * rate and time left, at the level chosen. The summary line when a transfer ends is {@link Transfer}'s own, at INFO.
 * Category {@code dev.camelmsnftp.transfer.TransferLogging}.
 */
public final class TransferLogging implements TransferListener {

    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private final boolean verbose;
    private final Map<Transfer, Long> lastLine = new ConcurrentHashMap<>();

    /**
     * @param level    the level of the progress lines; null logs none
     * @param interval the time between two lines of one transfer (ignored when verbose)
     * @param verbose  a line for every progress step instead of one per interval
     */
    public TransferLogging(Level level, Duration interval, boolean verbose) {
        this(LoggerFactory.getLogger(TransferLogging.class), level, interval, verbose);
    }

    TransferLogging(Logger log, Level level, Duration interval, boolean verbose) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("The transfer logging interval must not be negative: " + interval);
        }
        this.log = log;
        this.level = level;
        this.intervalNanos = interval.toNanos();
        this.verbose = verbose;
    }

    private boolean enabled() {
        return level != null && log.isEnabledForLevel(level);
    }

    @Override
    public void accepted(Transfer transfer) {
        if (!enabled()) {
            return;
        }
        lastLine.put(transfer, System.nanoTime());
        log.atLevel(level).log("{} {} ({}) {} {}: accepted, flow {}, {}, cookie {}",
                transfer.direction() == Transfer.Direction.SEND ? "Sending" : "Receiving", transfer.fileName(),
                TransferFormat.bytes(transfer.size()), transfer.direction() == Transfer.Direction.SEND ? "to" : "from",
                transfer.peer().addressOfRecord(), transfer.flow().map(Enum::name).orElse("?"),
                transfer.dialect().map(Enum::name).orElse("?"), transfer.cookie());
    }

    @Override
    public void progress(Transfer transfer) {
        if (!enabled()) {
            return;
        }
        long now = System.nanoTime();
        Long last = lastLine.get(transfer);
        if (!verbose && last != null && now - last < intervalNanos) {
            return;
        }
        lastLine.put(transfer, now);
        log.atLevel(level).log("{} {} {} {}: {} of {} ({}%), {}, {} left",
                transfer.direction() == Transfer.Direction.SEND ? "Sending" : "Receiving", transfer.fileName(),
                transfer.direction() == Transfer.Direction.SEND ? "to" : "from", transfer.peer().addressOfRecord(),
                TransferFormat.bytes(transfer.bytes()), TransferFormat.bytes(transfer.size()), transfer.percent(),
                TransferFormat.rate(transfer.bytesPerSecond()),
                transfer.remaining().map(TransferFormat::duration).orElse("?"));
    }

    @Override
    public void finished(Transfer transfer) {
        lastLine.remove(transfer);
    }
}
