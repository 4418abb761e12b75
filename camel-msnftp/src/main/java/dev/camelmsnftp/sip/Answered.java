package dev.camelmsnftp.sip;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * The non-INVITE requests we answered over UDP, remembered for Timer J (64 x T1 = 32 s, RFC 3261 17.2.2) in a few
 * dozen bytes each, so that their JAIN-SIP server transactions (a few KiB each, the parsed request and response) can
 * end as soon as the final response is sent. A retransmission of such a request (the peer did not get our answer) is
 * answered with the same status again and not handed to the listener twice, which is what the transaction was kept
 * for. Bounded: at most {@link #LIMIT} entries, the oldest forgotten first. Thread-safe.
 */
final class Answered {

    /** Timer J over UDP. */
    static final Duration KEEP = Duration.ofSeconds(32);
    static final int LIMIT = 20_000;

    private record Answer(int status, long expires) {
    }

    private final Map<String, Answer> answers = new LinkedHashMap<>();

    /** Remembers that {@code request} was answered {@code status}. */
    void remember(Request request, int status) {
        String key = key(request);
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
        String key = key(request);
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

    /** What matches a request to its server transaction (RFC 3261 17.2.3): top Via branch and sent-by, and method. */
    private static String key(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (via == null || via.getBranch() == null || cseq == null) {
            return null;
        }
        return via.getBranch() + '|' + via.getHost() + ':' + via.getPort() + '|' + cseq.getMethod();
    }
}
