package dev.camelmsnftp.protocol;

import java.time.Duration;

import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;

/**
 * The slowest a session's data may move: at least {@code minBytesPerSecond} on average over each window (the
 * session's silence time-out). A time-out on silence alone restarts with every byte, so a peer that trickles a byte
 * now and then would hold the transfer (and its slot) for ever; this ends it at the first window that moved too
 * little. Counts whole data block bodies (receiver) or bytes written (sender). Not thread-safe: one per session.
 */
final class Pace {

    private final long minBytesPerSecond;
    private final long minBytesPerWindow;
    private final Duration window;
    private long windowEnd;
    private long atWindowStart;
    private long total;

    /** {@code minBytesPerSecond} 0 turns the check off. */
    Pace(long minBytesPerSecond, Duration window) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.window = window;
        this.minBytesPerWindow = (long) Math.ceil(minBytesPerSecond * (window.toNanos() / 1e9));
        this.windowEnd = System.nanoTime() + window.toNanos();
    }

    /** Counts bytes that moved. */
    void add(long bytes) {
        total += bytes;
    }

    /** How long a wait that would end at {@code silenceDeadline} may last before the pace must be checked. */
    long deadline(long silenceDeadline) {
        return minBytesPerSecond == 0 || silenceDeadline - windowEnd < 0 ? silenceDeadline : windowEnd;
    }

    /**
     * At the end of a window: fails the session when too little moved in it, else starts the next one.
     *
     * @throws MsnftpException {@link Kind#TIMEOUT} when the peer is too slow
     */
    void check(Phase phase) throws MsnftpException {
        long now = System.nanoTime();
        if (minBytesPerSecond == 0 || now - windowEnd < 0) {
            return;
        }
        long moved = total - atWindowStart;
        if (moved < minBytesPerWindow) {
            throw new MsnftpException(Kind.TIMEOUT, phase, "The peer moved " + moved + " bytes of the file in " + window.toMillis()
                                                           + " ms, less than the minimum rate of " + minBytesPerSecond
                                                           + " bytes per second");
        }
        atWindowStart = total;
        windowEnd = now + window.toNanos();
    }
}
