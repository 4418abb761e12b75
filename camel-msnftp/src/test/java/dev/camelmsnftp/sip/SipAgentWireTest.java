package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelmsnftp.sip.RawSipPeer.body;
import static dev.camelmsnftp.sip.RawSipPeer.header;
import static dev.camelmsnftp.sip.RawSipPeer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What our agent writes and answers, seen on the wire by a raw UDP peer written in the test. */
class SipAgentWireTest {

    static final String TYPE = SipTesting.TYPE;

    private SipAgent alice;
    private RawSipPeer bob;
    private final BlockingQueue<IncomingMessage> delivered = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> listenerThreads = new LinkedBlockingQueue<>();
    /** Messages of type {@code text/x-accepted}, which the listener answers 202 (an answer that is not the default). */
    private final BlockingQueue<IncomingMessage> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        alice = SipAgent.start(SipTesting.onLoopback("alice", SipTransport.UDP).mode(SipMode.PAGER)
                .requestTimeout(Duration.ofSeconds(3)).build());
        alice.addMessageListener("text/x-msmsgsinvite", message -> {
            listenerThreads.add(Thread.currentThread().getName());
            delivered.add(message);
            return 200;
        });
        alice.addMessageListener("text/x-accepted", message -> {
            accepted.add(message);
            return 202;
        });
        bob = new RawSipPeer();
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
    }

    @Test
    void requestsCarryFreshCallIdsIncreasingCSeqsViaRportContactMaxForwardsAndUserAgent() throws Exception {
        String target = "sip:bob@127.0.0.1:" + bob.port();
        byte[] body = "Application-File: Résumé 漢字.pdf\r\n".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<SipResponse> first = alice.sendMessage(target, TYPE, body);
        String one = bob.receiveRequest("MESSAGE");
        bob.send(RawSipPeer.ok(one), alice.localPort());
        CompletableFuture<SipResponse> second = alice.sendMessage(target, TYPE, body);
        String two = bob.receiveRequest("MESSAGE");
        bob.send(RawSipPeer.ok(two), alice.localPort());
        assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);

        for (String request : new String[] { one, two }) {
            assertThat(request).startsWith("MESSAGE " + target + " SIP/2.0\r\n");
            assertThat(header(request, "Via")).startsWith("SIP/2.0/UDP 127.0.0.1:" + alice.localPort())
                    .contains(";rport").contains("branch=z9hG4bK");
            assertThat(header(request, "Max-Forwards")).isEqualTo("70");
            assertThat(header(request, "User-Agent")).startsWith("camel-msnftp/");
            assertThat(header(request, "Contact")).contains("sip:alice@127.0.0.1:" + alice.localPort());
            assertThat(header(request, "From")).contains("sip:alice@corp.example").contains("tag=");
            assertThat(header(request, "To")).doesNotContain("tag=");
            assertThat(header(request, "Content-Type")).isEqualToIgnoringWhitespace("text/x-msmsgsinvite;charset=UTF-8");
            assertThat(Integer.parseInt(header(request, "Content-Length"))).isEqualTo(body.length);
            assertThat(body(request).getBytes(StandardCharsets.UTF_8)).isEqualTo(body);
        }
        assertThat(header(one, "Call-ID")).isNotEqualTo(header(two, "Call-ID"));
        assertThat(header(one, "From")).isNotEqualTo(header(two, "From"));
        long cseqOne = Long.parseLong(header(one, "CSeq").split(" ")[0]);
        long cseqTwo = Long.parseLong(header(two, "CSeq").split(" ")[0]);
        assertThat(cseqTwo).isGreaterThan(cseqOne);
    }

    @Test
    void answersOptionsWithAllowAndAccept() throws Exception {
        bob.send(bob.request("OPTIONS", alice.localPort(), null, "", ""), alice.localPort());
        String response = bob.receive();
        assertThat(status(response)).isEqualTo(200);
        assertThat(response).contains("MESSAGE").contains("INVITE").contains("text/x-msmsgsinvite");
        assertThat(header(response, "Server")).startsWith("camel-msnftp/");
    }

    @Test
    void inDialogRequestForAnUnknownDialogGets481() throws Exception {
        bob.send(bob.request("MESSAGE", alice.localPort(), "nosuchdialog",
                "Content-Type: text/x-msmsgsinvite\r\n", "Invitation-Command: CANCEL\r\n"), alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(481);
        assertThat(delivered).isEmpty();
    }

    @Test
    void messageOfATypeNobodyHandlesGets415() throws Exception {
        bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/html\r\n", "<b>hi</b>"),
                alice.localPort());
        String response = bob.receive();
        assertThat(status(response)).isEqualTo(415);
        assertThat(header(response, "Accept")).contains("text/x-msmsgsinvite");
        assertThat(delivered).isEmpty();
    }

    @Test
    void messageWithoutContentTypeGets400() throws Exception {
        bob.send(bob.request("MESSAGE", alice.localPort(), null, "", "Invitation-Command: INVITE\r\n"), alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(400);
        assertThat(delivered).isEmpty();
    }

    @Test
    void theListenersStatusIsTheAnswer() throws Exception {
        alice.addMessageListener("text/plain", message -> 486);
        bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/plain\r\n", "hi"), alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(486);
    }

    @Test
    void ocsInviteCarryingTheInvitationInMsTextFormatIsDeliveredAndAnsweredSupported() throws Exception {
        String invitation = "Invitation-Command: INVITE\r\nInvitation-Cookie: 7\r\nApplication-File: ü.txt\r\n";
        String header = "ms-text-format: text/x-msmsgsinvite; charset=UTF-8; ms-body="
                        + Base64.getEncoder().encodeToString(invitation.getBytes(StandardCharsets.UTF_8)) + "\r\n";
        String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                     + "m=message 5060 sip null\r\na=accept-types:text/plain text/x-msmsgsinvite\r\n";
        bob.send(bob.request("INVITE", alice.localPort(), null, header + "Content-Type: application/sdp\r\n", sdp),
                alice.localPort());
        String response = bob.receive();
        assertThat(status(response)).isEqualTo(200);
        assertThat(header(response, "Supported")).isEqualTo("ms-text-format");
        assertThat(header(response, "Content-Type")).isEqualTo("application/sdp");
        assertThat(body(response)).contains("m=message " + alice.localPort() + " sip null")
                .contains("a=accept-types:text/plain text/x-msmsgsinvite");
        assertThat(header(response, "To")).contains("tag=");
        IncomingMessage message = delivered.poll(5, TimeUnit.SECONDS);
        assertThat(message).isNotNull();
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo(invitation);
        assertThat(message.inDialog()).isTrue();
        assertThat(listenerThreads.poll()).isNotEqualTo("EventScannerThread").startsWith("msnftp-sip-alice");
    }

    @Test
    void listenersNeverRunOnTheJainSipEventThread() throws Exception {
        bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-msmsgsinvite\r\n", "x: y\r\n"),
                alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(200);
        assertThat(listenerThreads.poll(5, TimeUnit.SECONDS)).startsWith("msnftp-sip-alice");
    }

    /**
     * The server transaction of a MESSAGE we answered over UDP ends about half a second after the answer (not after
     * Timer J, 32 s), yet a retransmission of the MESSAGE within Timer J (the peer lost our answer) is still answered
     * with the same status and not delivered to the listener a second time.
     */
    @Test
    void aRetransmissionAfterTheTransactionEndedIsAnsweredAgainButDeliveredOnce() throws Exception {
        String message = bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-accepted\r\n",
                "Invitation-Command: CANCEL\r\nInvitation-Cookie: 5\r\n");
        bob.send(message, alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(202);
        assertThat(accepted.poll(5, TimeUnit.SECONDS)).isNotNull();

        await().atMost(Duration.ofSeconds(5)).until(() -> alice.stackTransactions() == 0);
        bob.send(message, alice.localPort());
        String again = bob.receive();

        assertThat(again).as("answered again").isNotNull();
        assertThat(status(again)).isEqualTo(202);
        assertThat(header(again, "Call-ID")).isEqualTo(header(message, "Call-ID"));
        assertThat(accepted.poll(500, TimeUnit.MILLISECONDS)).as("delivered a second time").isNull();
        assertThat(alice.stackTransactions()).as("no transaction made for it").isZero();
    }

    @Test
    void newRequestsAfterThoseAreStillDelivered() throws Exception {
        for (int i = 0; i < 3; i++) {
            bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-accepted\r\n",
                    "Invitation-Command: CANCEL\r\nInvitation-Cookie: " + i + "\r\n"), alice.localPort());
            assertThat(status(bob.receive())).isEqualTo(202);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(accepted.poll(5, TimeUnit.SECONDS)).as("message %d", i).isNotNull();
        }
        assertThat(alice.rememberedAnswers()).isEqualTo(3);
    }
}
