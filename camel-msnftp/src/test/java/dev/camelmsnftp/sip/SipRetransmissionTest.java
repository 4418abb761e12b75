package dev.camelmsnftp.sip;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelmsnftp.sip.RawSipPeer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server transaction of a MESSAGE we answered over UDP ends about half a second after the answer (not after Timer
 * J, 32 s), yet a retransmission of the MESSAGE within Timer J (the peer lost our answer) is still answered with the
 * same status and not delivered to the listener a second time.
 */
class SipRetransmissionTest {

    private SipAgent alice;
    private RawSipPeer bob;
    private final BlockingQueue<IncomingMessage> delivered = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        alice = SipAgent.start(SipAgentConfig.builder("alice@corp.example").sipHost("127.0.0.1").sipPort(0)
                .mode(SipMode.PAGER).requestTimeout(Duration.ofSeconds(3)).build());
        alice.addMessageListener("text/x-msmsgsinvite", message -> {
            delivered.add(message);
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
    void aRetransmissionAfterTheTransactionEndedIsAnsweredAgainButDeliveredOnce() throws Exception {
        String message = bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-msmsgsinvite\r\n",
                "Invitation-Command: CANCEL\r\nInvitation-Cookie: 5\r\n");
        bob.send(message, alice.localPort());
        assertThat(status(bob.receive())).isEqualTo(202);
        assertThat(delivered.poll(5, TimeUnit.SECONDS)).isNotNull();

        await().atMost(Duration.ofSeconds(5)).until(() -> alice.stackTransactions() == 0);
        bob.send(message, alice.localPort());
        String again = bob.receive();

        assertThat(again).as("answered again").isNotNull();
        assertThat(status(again)).isEqualTo(202);
        assertThat(RawSipPeer.header(again, "Call-ID")).isEqualTo(RawSipPeer.header(message, "Call-ID"));
        assertThat(delivered.poll(500, TimeUnit.MILLISECONDS)).as("delivered a second time").isNull();
        assertThat(alice.stackTransactions()).as("no transaction made for it").isZero();
    }

    @Test
    void aNewRequestIsStillDelivered() throws Exception {
        for (int i = 0; i < 3; i++) {
            bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-msmsgsinvite\r\n",
                    "Invitation-Command: CANCEL\r\nInvitation-Cookie: " + i + "\r\n"), alice.localPort());
            assertThat(status(bob.receive())).isEqualTo(202);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(delivered.poll(5, TimeUnit.SECONDS)).as("message %d", i).isNotNull();
        }
        assertThat(alice.rememberedAnswers()).isEqualTo(3);
    }
}
