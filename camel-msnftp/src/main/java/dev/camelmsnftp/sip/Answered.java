package dev.camelmsnftp.sip;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * The non-INVITE requests we answered over UDP, remembered for Timer J (64 x T1 = 32 s, RFC 3261 17.2.2) in
 * under a hundred bytes each, so that their JAIN-SIP server transactions (a few KiB each, the parsed request and
 * response) can end as soon as the final response is sent. A retransmission of such a request (the peer did not get
 * our answer) is answered with the same status again and not handed to the listener twice, which is what the
 * transaction was kept for. Bounded: at most {@link #LIMIT} entries, the oldest forgotten first. Thread-safe.
 * <p>
 * A request is remembered by a 64-bit hash of what matches it to its transaction, not by that text (a branch, host,
 * port and method of 60-80 characters): about 95 bytes of live heap an entry instead of about 175, so at most about
 * 1.8 MiB. The hash starts from a random seed per agent, so a peer cannot choose requests that collide with others';
 * by chance a new request matches one of {@link #LIMIT} remembered ones (and is answered as a retransmission, not
 * delivered) with odds of about 1 in 10^15.
 */
final class Answered {

    /** Timer J over UDP. */
    static final Duration KEEP = Duration.ofSeconds(32);
    static final int LIMIT = 20_000;

    private record Answer(int status, long expires) {
    }

    private final Map<Long, Answer> answers = new LinkedHashMap<>();
    private final long seed = new SecureRandom().nextLong();

    /** Remembers that {@code request} was answered {@code status}. */
    void remember(Request request, int status) {
        Long key = key(request);
        if (key == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (answers) {
            expire(now);
            answers.put(key, new Answer(status, now + KEEP.toNanos()));
            if (answers.size() > LIMIT) {
                Iterator<?> oldest = answers.values().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** The status {@code request} was answered with, when it is a retransmission of one we answered. */
    OptionalInt answerTo(Request request) {
        Long key = key(request);
        if (key == null) {
            return OptionalInt.empty();
        }
        synchronized (answers) {
            expire(System.nanoTime());
            Answer answer = answers.get(key);
            return answer == null ? OptionalInt.empty() : OptionalInt.of(answer.status());
        }
    }

    int size() {
        synchronized (answers) {
            return answers.size();
        }
    }

    private void expire(long now) {
        for (Iterator<Answer> oldest = answers.values().iterator(); oldest.hasNext(); ) {
            if (oldest.next().expires() - now > 0) {
                return;
            }
            oldest.remove();
        }
    }

    /**
     * What matches a request to its server transaction (RFC 3261 17.2.3): top Via branch and sent-by, and method; as a
     * seeded 64-bit hash (FNV-1a over the characters, then a final mix), or null when the request has no branch.
     */
    private Long key(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (via == null || via.getBranch() == null || cseq == null) {
            return null;
        }
        long hash = mix(seed, via.getBranch());
        hash = mix(hash, via.getHost());
        hash = (hash ^ (via.getPort() & 0xffffffffL)) * 0x100000001b3L;
        hash = mix(hash, cseq.getMethod());
        // the final mix of MurmurHash3, so that every input bit reaches every output bit
        hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }

    /** FNV-1a over {@code part}'s characters and a separator, so that "ab"+"c" and "a"+"bc" differ. */
    private static long mix(long hash, String part) {
        String text = part == null ? "" : part;
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
        }
        return (hash ^ 0x10000) * 0x100000001b3L;
    }
}
