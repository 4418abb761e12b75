package dev.camelmsnftp.sip;

import java.lang.management.ManagementFactory;
import java.util.OptionalInt;

import javax.management.ObjectName;
import javax.sip.SipFactory;
import javax.sip.message.Request;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record of requests answered over UDP: a retransmission (same top Via branch and sent-by, same method) gets the
 * same status, anything else is new; bounded in entries, and small per entry (it is what stays on the heap for Timer
 * J's 32 s after a burst of transfers).
 */
class AnsweredTest {

    private static Request request(String branch, String host, int port, String method) throws Exception {
        String text = method + " sip:bob@127.0.0.1 SIP/2.0\r\n"
                      + "Via: SIP/2.0/UDP " + host + ":" + port + (branch == null ? "" : ";branch=" + branch) + "\r\n"
                      + "From: <sip:alice@corp.example>;tag=1\r\nTo: <sip:bob@corp.example>\r\n"
                      + "Call-ID: answered-test\r\nCSeq: 1 " + method + "\r\nMax-Forwards: 70\r\n"
                      + "Content-Length: 0\r\n\r\n";
        return SipFactory.getInstance().createMessageFactory().createRequest(text);
    }

    /** A branch as long as JAIN-SIP's own (z9hG4bK and 32 hex digits). */
    private static String branch(int i) {
        return "z9hG4bK" + String.format("%032x", i);
    }

    @Test
    void aRetransmissionGetsTheSameStatusAndAnythingElseIsNew() throws Exception {
        Answered answered = new Answered();
        answered.remember(request(branch(1), "127.0.0.1", 5070, "MESSAGE"), 200);
        answered.remember(request(branch(2), "127.0.0.1", 5070, "MESSAGE"), 486);

        assertThat(answered.answerTo(request(branch(1), "127.0.0.1", 5070, "MESSAGE"))).isEqualTo(OptionalInt.of(200));
        assertThat(answered.answerTo(request(branch(2), "127.0.0.1", 5070, "MESSAGE"))).isEqualTo(OptionalInt.of(486));
        assertThat(answered.answerTo(request(branch(3), "127.0.0.1", 5070, "MESSAGE"))).as("other branch").isEmpty();
        assertThat(answered.answerTo(request(branch(1), "127.0.0.2", 5070, "MESSAGE"))).as("other host").isEmpty();
        assertThat(answered.answerTo(request(branch(1), "127.0.0.1", 5071, "MESSAGE"))).as("other port").isEmpty();
        assertThat(answered.answerTo(request(branch(1), "127.0.0.1", 5070, "OPTIONS"))).as("other method").isEmpty();
        // the parts are kept apart: the same characters split differently between branch and host are another request
        assertThat(answered.answerTo(request(branch(1) + "1", "27.0.0.1", 5070, "MESSAGE"))).isEmpty();
    }

    @Test
    void aRequestWithoutBranchIsNotRemembered() throws Exception {
        Answered answered = new Answered();
        answered.remember(request(null, "127.0.0.1", 5070, "MESSAGE"), 200);

        assertThat(answered.size()).isZero();
        assertThat(answered.answerTo(request(null, "127.0.0.1", 5070, "MESSAGE"))).isEmpty();
    }

    @Test
    void atMostLimitEntriesOfAboutNinetyBytesEachTheOldestForgottenFirst() throws Exception {
        // what the first use of each loads once (the SIP parser's tables, the random seed's source) is not counted
        new Answered().remember(request(branch(0), "127.0.0.1", 5070, "MESSAGE"), 200);
        long before = liveHeapBytes();
        Answered answered = new Answered();
        int extra = 10;
        for (int i = 0; i < Answered.LIMIT + extra; i++) {
            answered.remember(request(branch(i), "127.0.0.1", 5070, "MESSAGE"), 200);
        }
        long perEntry = (liveHeapBytes() - before) / Answered.LIMIT;

        assertThat(answered.size()).isEqualTo(Answered.LIMIT);
        assertThat(answered.answerTo(request(branch(extra - 1), "127.0.0.1", 5070, "MESSAGE"))).as("oldest").isEmpty();
        assertThat(answered.answerTo(request(branch(extra), "127.0.0.1", 5070, "MESSAGE"))).isPresent();
        assertThat(answered.answerTo(request(branch(Answered.LIMIT + extra - 1), "127.0.0.1", 5070, "MESSAGE")))
                .as("newest").isPresent();
        // a map entry, its boxed key, the status and expiry, and its share of the table: about 90 bytes
        assertThat(perEntry).as("live heap bytes per remembered request").isLessThan(120);
    }

    /** The live heap in bytes, from the JVM's class histogram (which collects first); exact, unlike MemoryMXBean. */
    private static long liveHeapBytes() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        for (String line : histogram.split("\\R")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 3 && columns[0].equals("Total")) {
                return Long.parseLong(columns[2]);
            }
        }
        throw new IllegalStateException("No total in the class histogram");
    }
}
