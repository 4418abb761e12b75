package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.camelmsnftp.sip.RawSipPeer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recovering IM sessions (RFC 3261 12.2.1.2): a peer that restarted answers 481 in the session we hold with it, one
 * that stopped answering in it times out (a 408). The session is ended and the message goes once more in a fresh one,
 * instead of every message failing until the session's idle time-out. Seen on the wire by a raw UDP peer.
 */
class SipAgentRecoveryTest {

    static final String TYPE = SipTesting.TYPE;
    static final byte[] BODY = "Invitation-Command: INVITE\r\nInvitation-Cookie: 7\r\n".getBytes(StandardCharsets.UTF_8);

    private SipAgent alice;
    private RawSipPeer bob;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private Thread reader;

    /** A datagram bob received, and when. */
    record Arrival(String text, long nanos) {
        String method() {
            return text.startsWith("SIP/2.0") ? "response" : text.substring(0, text.indexOf(' '));
        }
    }

    @BeforeEach
    void start() throws Exception {
        alice = SipAgent.start(SipTesting.onLoopback("alice", SipTransport.UDP).mode(SipMode.SESSION)
                .requestTimeout(Duration.ofSeconds(2)).build());
        bob = new RawSipPeer();
        reader = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    String text = bob.receive();
                    if (text != null) {
                        arrivals.add(new Arrival(text, System.nanoTime()));
                    }
                }
            } catch (java.io.IOException closed) {
                // the socket closed: the test is over
            }
        }, "raw-bob-reader");
        reader.start();
    }

    @AfterEach
    void stop() throws Exception {
        alice.close();
        bob.close();
        reader.interrupt();
        reader.join(15_000);
    }

    private String bobAddress() {
        return "sip:bob@127.0.0.1:" + bob.port();
    }

    /** The next request of {@code method} bob receives, collecting the others (retransmissions, ACK, BYE) on the way. */
    private String next(String method, List<String> others) throws Exception {
        for (int i = 0; i < 50; i++) {
            Arrival arrival = arrivals.poll(10, TimeUnit.SECONDS);
            assertThat(arrival).as("a %s within 10 s", method).isNotNull();
            if (arrival.method().equals(method)) {
                return arrival.text();
            }
            others.add(arrival.text());
        }
        throw new AssertionError("no " + method);
    }

    /** Answers {@code request}: with a To tag, and for an INVITE's 200 our Contact and SDP. */
    private void answer(String request, int status, String toTag) throws Exception {
        StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(status == 200 ? " OK" : " Nope")
                .append("\r\n");
        for (String name : new String[] { "Via", "From", "To", "Call-ID", "CSeq" }) {
            String value = header(request, name);
            response.append(name).append(": ").append(value);
            if (name.equals("To") && !value.contains("tag=")) {
                response.append(";tag=").append(toTag);
            }
            response.append("\r\n");
        }
        String body = "";
        if (request.startsWith("INVITE ") && status == 200) {
            response.append("Contact: <sip:bob@127.0.0.1:").append(bob.port()).append(">\r\n");
            body = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   + "m=message " + bob.port() + " sip null\r\na=accept-types:text/plain text/x-msmsgsinvite\r\n";
            response.append("Content-Type: application/sdp\r\n");
        }
        response.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        bob.send(response.toString(), alice.localPort());
    }

    /** Bob accepts a session: the INVITE answered 200, the ACK taken, the MESSAGE in it answered 200. */
    private String acceptSession(String tag, List<String> others) throws Exception {
        String invite = next("INVITE", others);
        answer(invite, 200, tag);
        next("ACK", others);
        String message = next("MESSAGE", others);
        assertThat(header(message, "To")).as("the message travels in the session").contains("tag=" + tag);
        answer(message, 200, tag);
        return invite;
    }

    /** Alice opens a session with bob and sends one message in it. */
    private String openSession() throws Exception {
        CompletableFuture<SipResponse> first = alice.sendMessage(bobAddress(), TYPE, BODY);
        String invite = acceptSession("first", new ArrayList<>());
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(alice.openSessions()).isEqualTo(1);
        return invite;
    }

    @ParameterizedTest(name = "answered {0}")
    @ValueSource(ints = { 481, 408 })
    void aSessionThePeerNoLongerHoldsIsEndedAndTheMessageGoesInANewOne(int status) throws Exception {
        String firstInvite = openSession();

        CompletableFuture<SipResponse> second = alice.sendMessage(bobAddress(), TYPE, BODY);
        List<String> others = new ArrayList<>();
        String stale = next("MESSAGE", others);
        assertThat(header(stale, "To")).as("sent in the session bob forgot").contains("tag=first");
        answer(stale, status, "first");
        String secondInvite = acceptSession("second", others);

        assertThat(second.get(10, TimeUnit.SECONDS).status()).as("the message went through after all").isEqualTo(200);
        assertThat(header(secondInvite, "Call-ID")).as("a new session").isNotEqualTo(header(firstInvite, "Call-ID"));
        assertThat(alice.openSessions()).as("the old session is gone, the new one open").isEqualTo(1);
        if (status == 408) {
            // the peer may still hold a session it stopped answering in: it is told with BYE (not waited for)
            String bye = others.stream().filter(text -> text.startsWith("BYE ")).findFirst()
                    .orElseGet(() -> nextQuietly("BYE"));
            assertThat(bye).as("BYE in the session that timed out").isNotNull();
            assertThat(header(bye, "Call-ID")).isEqualTo(header(firstInvite, "Call-ID"));
        } else {
            assertThat(others).as("no BYE to a peer that no longer knows the session")
                    .noneMatch(text -> text.startsWith("BYE "));
        }
    }

    /** What bob receives during {@code window}: an observation period, for asserting that something does not come. */
    private List<Arrival> during(Duration window) throws InterruptedException {
        List<Arrival> seen = new ArrayList<>();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            Arrival arrival = arrivals.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (arrival != null) {
                seen.add(arrival);
            }
        }
        return seen;
    }

    private String nextQuietly(String method) {
        try {
            return next(method, new ArrayList<>());
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    @Test
    void aSessionWhoseMessageTimesOutIsEndedTheMessageGoesInANewOneAndTheOldRequestIsNoLongerRetransmitted()
            throws Exception {
        String firstInvite = openSession();

        CompletableFuture<SipResponse> second = alice.sendMessage(bobAddress(), TYPE, BODY);
        List<String> others = new ArrayList<>();
        String unanswered = next("MESSAGE", others);
        String unansweredCallId = header(unanswered, "Call-ID");
        String unansweredCseq = header(unanswered, "CSeq");
        // bob says nothing: after alice's request time-out (2 s) the session is ended and a new one opened
        String secondInvite = acceptSession("second", others);
        long gaveUp = System.nanoTime();
        assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(header(secondInvite, "Call-ID")).isNotEqualTo(header(firstInvite, "Call-ID"));

        // JAIN-SIP would retransmit the unanswered MESSAGE until its own 32 s time-out (at 3.5, 7.5, ... s); after we
        // gave up at 2 s, it must not: a request we reported failed must not reach the peer later
        List<Arrival> later = during(Duration.ofSeconds(4));
        assertThat(later).as("no retransmission of the MESSAGE alice gave up on, after %s ms",
                        (System.nanoTime() - gaveUp) / 1_000_000)
                .noneMatch(arrival -> arrival.text().startsWith("MESSAGE ")
                                      && unansweredCallId.equals(header(arrival.text(), "Call-ID"))
                                      && unansweredCseq.equals(header(arrival.text(), "CSeq")));
    }

    /**
     * Messages queued in a session behind one that goes unanswered (its peer died: with several instances of one
     * address, the others are still there). Once that one times out, the queued ones are not sent in the dead session one
     * after another, each waiting for its own time-out, but go at once in the new session.
     */
    @Test
    void messagesQueuedBehindOneThatTimesOutGoInTheNewSessionWithoutEachWaitingItsOwnTimeOut() throws Exception {
        openSession();
        List<CompletableFuture<SipResponse>> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(alice.sendMessage(bobAddress(), TYPE, BODY));
        }
        List<String> others = new ArrayList<>();
        String unanswered = next("MESSAGE", others);
        // bob says nothing; after alice's request time-out (2 s) a new session, and nothing more in the old one
        String invite = next("INVITE", others);
        assertThat(others).as("sent in the old session besides retransmissions of the unanswered MESSAGE")
                .filteredOn(text -> text.startsWith("MESSAGE "))
                .allMatch(text -> header(text, "CSeq").equals(header(unanswered, "CSeq")));
        answer(invite, 200, "second");
        next("ACK", others);
        for (int i = 0; i < 3; i++) {
            String message = next("MESSAGE", others);
            assertThat(header(message, "To")).as("message %d after the time-out", i).contains("tag=second");
            answer(message, 200, "second");
        }
        for (CompletableFuture<SipResponse> each : sent) {
            assertThat(each.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void theMessageIsSentAgainOnceOnly() throws Exception {
        openSession();

        CompletableFuture<SipResponse> second = alice.sendMessage(bobAddress(), TYPE, BODY);
        List<String> others = new ArrayList<>();
        answer(next("MESSAGE", others), 481, "first");
        String invite = next("INVITE", others);
        answer(invite, 200, "second");
        next("ACK", others);
        answer(next("MESSAGE", others), 481, "second");

        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(SipAgentException.class, e -> assertThat(e.status()).hasValue(481));
        assertThat(during(Duration.ofSeconds(3))).as("no third INVITE").noneMatch(arrival -> arrival.method().equals("INVITE"));
    }

    @Test
    void aRefusalThatSaysNothingAboutTheSessionKeepsIt() throws Exception {
        openSession();

        CompletableFuture<SipResponse> second = alice.sendMessage(bobAddress(), TYPE, BODY);
        answer(next("MESSAGE", new ArrayList<>()), 415, "first");
        assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(SipAgentException.class, e -> assertThat(e.status()).hasValue(415));

        CompletableFuture<SipResponse> third = alice.sendMessage(bobAddress(), TYPE, BODY);
        String message = next("MESSAGE", new ArrayList<>());
        assertThat(header(message, "To")).as("the session is still used").contains("tag=first");
        answer(message, 200, "first");
        assertThat(third.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
}
