package dev.camelmsnftp.transfer;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys (sender and Invitation-Cookie) of inbound transfers that ended lately. A File Transfer INVITE for one of
 * them is a late copy of the invitation, not a new offer: a proxy that missed our answer to the MESSAGE retries it as a
 * new transaction (which the SIP layer cannot tell from a new request), and by then the transfer may have ended. Taking
 * it as a new offer answered the sender, who had moved on, with a second ACCEPT, and held a transfer slot and a
 * temporary file until the accept time-out. Kept for {@link #KEEP} (a SIP request is retried for at most 64 x T1 =
 * 32 s), at most {@link #LIMIT} keys (the oldest go first). Thread-safe.
 */
final class RecentlyEnded {

    static final Duration KEEP = Duration.ofSeconds(32);
    static final int LIMIT = 20_000;

    private final long keepNanos;
    private final int limit;
    /** Key to the time it ended ({@link System#nanoTime()}), oldest first. */
    private final Map<String, Long> ended = new LinkedHashMap<>();

    RecentlyEnded() {
        this(KEEP, LIMIT);
    }

    RecentlyEnded(Duration keep, int limit) {
        this.keepNanos = keep.toNanos();
        this.limit = limit;
    }

    synchronized void add(String key) {
        long now = System.nanoTime();
        forgetOld(now);
        ended.remove(key);
        ended.put(key, now);
        Iterator<String> oldest = ended.keySet().iterator();
        while (ended.size() > limit) {
            oldest.next();
            oldest.remove();
        }
    }

    synchronized boolean contains(String key) {
        forgetOld(System.nanoTime());
        return ended.containsKey(key);
    }

    synchronized int size() {
        forgetOld(System.nanoTime());
        return ended.size();
    }

    private void forgetOld(long now) {
        Iterator<Long> oldest = ended.values().iterator();
        while (oldest.hasNext() && now - oldest.next() > keepNanos) {
            oldest.remove();
        }
    }
}
