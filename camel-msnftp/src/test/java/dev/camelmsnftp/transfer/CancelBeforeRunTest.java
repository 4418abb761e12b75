package dev.camelmsnftp.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC 3: after a CANCEL nothing more is sent for that cookie. An offer that was admitted (it has a transfer slot) but
 * whose transfer has not started on a thread yet, and whose sender cancels in that gap (its own acceptTimeout ended
 * while the offer waited for a slot, or the user gave up), must not be answered with an ACCEPT afterwards.
 */
class CancelBeforeRunTest {

    @TempDir
    Path dir;

    @Test
    void aSenderThatCancelsBeforeTheTransferRunsGetsNoAccept() throws Exception {
        BlockingQueue<Runnable> waitingForAThread = new LinkedBlockingQueue<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (SipAgent carolAgent = SipAgent.start(SipAgentConfig.builder("carol@corp.example").sipHost("127.0.0.1")
                .sipPort(0).build());
                SipAgent bobAgent = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1")
                        .sipPort(0).build());
                TransferManager carol = new TransferManager(carolAgent, waitingForAThread::add)) {
            BlockingQueue<String> bobGot = new LinkedBlockingQueue<>();
            bobAgent.addMessageListener(TransferManager.MEDIA_TYPE, (IncomingMessage message) -> {
                bobGot.add(new String(message.body(), java.nio.charset.StandardCharsets.UTF_8));
                return 200;
            });
            CountDownLatch over = new CountDownLatch(1);
            TransferSettings settings = TransferSettings.builder("carol@corp.example").ftpHost("127.0.0.1")
                    .workDir(dir.resolve("work")).acceptTimeout(Duration.ofSeconds(5)).build();
            carol.addInboundHandler(new TestHandler("*", settings).onNotReceived(offer -> over.countDown()));
            String carolAddress = "sip:carol@127.0.0.1:" + carolAgent.localPort();
            long cookie = 777_777;

            bobAgent.sendMessage(carolAddress, TransferManager.CONTENT_TYPE,
                    InvitationCodec.formatBytes(Invitation.invite(cookie, "a.bin", 10).connectivityN().build()),
                    SipMode.PAGER).get(5, TimeUnit.SECONDS);
            Runnable transfer = waitingForAThread.poll(5, TimeUnit.SECONDS);
            assertThat(transfer).as("the offer has a slot and waits for a thread").isNotNull();

            bobAgent.sendMessage(carolAddress, TransferManager.CONTENT_TYPE,
                    InvitationCodec.formatBytes(Invitation.cancel(cookie, CancelCode.TIMEOUT).build()), SipMode.PAGER)
                    .get(5, TimeUnit.SECONDS);
            threads.execute(transfer);

            assertThat(over.await(10, TimeUnit.SECONDS)).as("the offer ended").isTrue();
            // an ACCEPT, when sent, goes out before the offer ends; give it a bounded time to arrive
            assertThat(bobGot.poll(2, TimeUnit.SECONDS)).as("nothing is sent for the cookie after its CANCEL").isNull();
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
