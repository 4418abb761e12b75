package dev.camelmsnftp.transfer;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Log lines that a peer can cause at will (malformed invitations, declined offers, stray answers): at most
 * {@code burst} of them per window at their own level, the rest at DEBUG, with one line saying how many went there. A
 * flood of junk from the network is then a handful of lines, not a flood of log.
 */
final class PeerLog {

    static final int BURST = 10;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final LongSupplier nanoClock;
    private long windowStart;
    private int inWindow;
    private long demoted;

    PeerLog(Logger log) {
        this(log, System::nanoTime);
    }

    PeerLog(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    void info(String format, Object... arguments) {
        if (permit()) {
            log.info(format, arguments);
        } else {
            log.debug(format, arguments);
        }
    }

    void warn(String format, Object... arguments) {
        if (permit()) {
            log.warn(format, arguments);
        } else {
            log.debug(format, arguments);
        }
    }

    private boolean permit() {
        long reported;
        boolean permitted;
        boolean firstDemoted;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            reported = 0;
            if (now - windowStart >= WINDOW_NANOS) {
                reported = demoted;
                windowStart = now;
                inWindow = 0;
                demoted = 0;
            }
            permitted = inWindow < BURST;
            if (permitted) {
                inWindow++;
            } else {
                demoted++;
            }
            firstDemoted = demoted == 1 && !permitted;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(WINDOW_NANOS);
        if (reported > 0) {
            log.warn("{} more lines about what peers sent went to DEBUG in the last {} s", reported, seconds);
        }
        if (firstDemoted) {
            log.warn("More than {} lines about what peers sent within {} s: the rest go to DEBUG for now", BURST,
                    seconds);
        }
        return permitted;
    }
}
