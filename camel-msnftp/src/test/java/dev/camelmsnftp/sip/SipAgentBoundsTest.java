package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.camelmsnftp.sip.RawSipPeer.header;
import static dev.camelmsnftp.sip.RawSipPeer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a peer can make the agent hold at the SIP layer is bounded: counts, IM sessions, JAIN-SIP's dialogs. */
class SipAgentBoundsTest {

    private SipAgent alice;
    private RawSipPeer bob;
    private final BlockingQueue<IncomingMessage> delivered = new LinkedBlockingQueue<>();

    private void start(SipAgentConfig.Builder config) throws Exception {
        alice = SipAgent.start(config.requestTimeout(Duration.ofMillis(1500)).build());
        alice.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(delivered));
        bob = new RawSipPeer();
    }

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void fiveHundredInventedMethodsAreAnswered405AndCountedUnderOneKey() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP));
        for (int i = 0; i < 500; i++) {
            bob.send(bob.request("XMETHOD" + i, alice.localPort(), null, "", ""), alice.localPort());
            String response = bob.receive();
            assertThat(response).as("answer to invented method %d", i).isNotNull();
            assertThat(status(response)).isEqualTo(405);
            assertThat(header(response, "Allow")).contains("MESSAGE");
        }
        Map<String, Long> counts = alice.receivedRequests();
        assertThat(counts).containsEntry(SipAgent.OTHER_METHODS, 500L);
        assertThat(counts.keySet()).as("no key per invented method").noneMatch(method -> method.startsWith("XMETHOD"))
                .hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void threeHundredSessionsOpenedAtOnceHoldOnlyTheDefaultCapTheRestAreRefused486() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP));
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            if (bob.openSession(alice.localPort()) != null) {
                opened++;
            } else {
                assertThat(bob.lastStatus()).as("INVITE %d", i).isEqualTo(486);
                refused++;
            }
        }
        assertThat(opened).isEqualTo(SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        assertThat(refused).isEqualTo(300 - SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        assertThat(alice.incomingSessions()).isEqualTo(SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        await("JAIN-SIP ends the refused dialogs").atMost(Duration.ofSeconds(10))
                .until(() -> alice.sharedStack().liveDialogs() == SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
    }

    @Test
    void idleIncomingSessionsAreEndedWithByeWhileOneInUseStaysOpen() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).incomingSessionIdleTimeout(Duration.ofSeconds(2)));
        RawSipPeer.RawSession busy = bob.openSession(alice.localPort());
        List<RawSipPeer.RawSession> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idle.add(bob.openSession(alice.localPort()));
        }
        assertThat(alice.incomingSessions()).isEqualTo(4);

        // keep one session busy until the idle ones are ended (bounded: 100 rounds of at most 200 ms)
        int byes = 0;
        for (int round = 0; round < 100 && byes < idle.size(); round++) {
            busy.message("Invitation-Command: INVITE\r\nInvitation-Cookie: " + round + "\r\n");
            for (String next = bob.receiveWithin(200); next != null; next = bob.receiveWithin(200)) {
                String request = next;
                if (request.startsWith("BYE ")) {
                    assertThat(busy.owns(request)).as("the session in use is not ended").isFalse();
                    assertThat(idle).anyMatch(session -> session.owns(request));
                    bob.send(RawSipPeer.ok(request), alice.localPort());
                    byes++;
                }
            }
        }
        assertThat(byes).as("BYE to each idle session").isEqualTo(idle.size());
        assertThat(alice.incomingSessions()).isEqualTo(1);

        String bye = bob.receiveRequest("BYE");
        assertThat(bye).as("the last session is ended once it is idle too").isNotNull();
        assertThat(busy.owns(bye)).isTrue();
        bob.send(RawSipPeer.ok(bye), alice.localPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.incomingSessions() == 0);
        await("JAIN-SIP ends the dialogs").atMost(Duration.ofSeconds(10))
                .until(() -> alice.sharedStack().liveDialogs() == 0);
    }

    @Test
    void aReplyToAMessageWhoseSessionEndedMeanwhileGoesOutOfDialog() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).incomingSessionIdleTimeout(Duration.ofMillis(500)));
        RawSipPeer.RawSession session = bob.openSession(alice.localPort());
        session.message("Invitation-Command: INVITE\r\nInvitation-Cookie: 9\r\n");
        assertThat(status(bob.receiveResponse("MESSAGE"))).isEqualTo(200);
        IncomingMessage message = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(message).isNotNull();
        assertThat(message.inDialog()).isTrue();

        String bye = bob.receiveRequest("BYE");
        assertThat(bye).as("the idle session is ended").isNotNull();
        bob.send(RawSipPeer.ok(bye), alice.localPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.incomingSessions() == 0);

        var reply = message.reply(SipTesting.TYPE,
                "Invitation-Command: ACCEPT\r\nInvitation-Cookie: 9\r\n".getBytes(StandardCharsets.UTF_8));
        String sent = bob.receiveRequest("MESSAGE");
        assertThat(sent).isNotNull();
        assertThat(header(sent, "To")).as("out of dialog").doesNotContain("tag=");
        assertThat(header(sent, "Call-ID")).isNotEqualTo(session.callId);
        assertThat(sent).endsWith("Invitation-Command: ACCEPT\r\nInvitation-Cookie: 9\r\n");
        bob.send(RawSipPeer.ok(sent), alice.localPort());
        assertThat(reply.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
}
