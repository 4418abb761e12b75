package dev.camelmsnftp.transfer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling on our side ({@link Transfer#cancel()}, {@link TransferManager#cancel(long)} from JMX) an offer that waits
 * in the queue for a transfer slot: it leaves the queue at once, so its place and the next free slot go to the next
 * offer, it ends as cancelled, and its sender gets one CANCEL OUTBANDCANCEL.
 */
class QueuedOfferCancelTest {

    @TempDir
    Path dir;

    @Test
    void aCancelledQueuedOfferLeavesTheQueueAtOnceAndEndsCancelled() throws Exception {
        // carol's transfers wait here for a thread until the test runs them: the one slot stays taken meanwhile
        BlockingQueue<Runnable> waitingForAThread = new LinkedBlockingQueue<>();
        try (SipAgent carolAgent = SipAgent.start(SipAgentConfig.builder("carol@corp.example").sipHost("127.0.0.1")
                .sipPort(0).build());
                SipAgent bobAgent = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1")
                        .sipPort(0).build());
                TransferManager carol = new TransferManager(carolAgent, waitingForAThread::add)) {
            BlockingQueue<String> bobGot = new LinkedBlockingQueue<>();
            bobAgent.addMessageListener(TransferManager.MEDIA_TYPE, (IncomingMessage message) -> {
                bobGot.add(new String(message.body(), StandardCharsets.UTF_8));
                return 200;
            });
            BlockingQueue<TransferException> failures = new LinkedBlockingQueue<>();
            TransferSettings settings = TransferSettings.builder("carol@corp.example").ftpHost("127.0.0.1")
                    .workDir(dir.resolve("work")).acceptTimeout(Duration.ofSeconds(30)).maxConcurrentTransfers(1)
                    .maxQueuedOffers(1).build();
            InboundHandler handler = new TestHandler("*", settings).onFailure(failures::add);
            carol.addInboundHandler(handler);
            String carolAddress = "sip:carol@127.0.0.1:" + carolAgent.localPort();
            long running = 111_111;
            long queued = 222_222;
            long next = 333_333;

            offer(bobAgent, carolAddress, running);
            Runnable first = waitingForAThread.poll(5, TimeUnit.SECONDS);
            assertThat(first).as("the first offer has the slot").isNotNull();
            offer(bobAgent, carolAddress, queued);
            assertThat(carol.queuedOffers(handler)).as("the second waits: the queue is full").isEqualTo(1);
            Transfer waiting = carol.transfers().stream().filter(t -> t.cookie() == queued).findFirst().orElseThrow();

            assertThat(carol.cancel(queued)).isTrue();

            assertThat(carol.queuedOffers(handler)).as("out of the queue at once").isZero();
            assertThat(waiting.state()).isEqualTo(Transfer.State.FAILED);
            assertThat(waiting.failure()).get().isInstanceOfSatisfying(TransferCancelledException.class,
                    e -> assertThat(e.byPeer()).isFalse());
            assertThat(carol.transfers()).extracting(Transfer::cookie).containsExactly(running);
            assertThat(failures.poll(5, TimeUnit.SECONDS)).isInstanceOf(TransferCancelledException.class);
            Invitation cancel = InvitationCodec.parse(bobGot.poll(5, TimeUnit.SECONDS));
            assertThat(cancel.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.cookie()).isEqualTo(queued);
            assertThat(cancel.cancelCode()).contains(CancelCode.OUTBANDCANCEL);

            // its place is free: the next offer is queued, not declined; and it, not the cancelled one, gets the slot
            offer(bobAgent, carolAddress, next);
            assertThat(carol.queuedOffers(handler)).isEqualTo(1);
            withdraw(bobAgent, carolAddress, running);
            first.run();
            Runnable second = waitingForAThread.poll(5, TimeUnit.SECONDS);
            assertThat(second).as("the next offer has the slot").isNotNull();
            assertThat(carol.queuedOffers(handler)).isZero();
            withdraw(bobAgent, carolAddress, next);
            second.run();
            assertThat(waitingForAThread).as("nothing else ever got the slot").isEmpty();
            assertThat(carol.transfers()).isEmpty();

            List<String> rest = List.copyOf(bobGot);
            assertThat(rest).as("nothing more than the one CANCEL went to bob for any cookie").isEmpty();
        }
    }

    private static void offer(SipAgent from, String to, long cookie) throws Exception {
        from.sendMessage(to, TransferManager.CONTENT_TYPE,
                InvitationCodec.formatBytes(Invitation.invite(cookie, cookie + ".bin", 10).connectivityN().build()),
                SipMode.PAGER).get(5, TimeUnit.SECONDS);
    }

    /** The sender cancels an offer before its transfer runs: running it then ends it without a word to the sender. */
    private static void withdraw(SipAgent from, String to, long cookie) throws Exception {
        from.sendMessage(to, TransferManager.CONTENT_TYPE,
                InvitationCodec.formatBytes(Invitation.cancel(cookie, CancelCode.TIMEOUT).build()), SipMode.PAGER)
                .get(5, TimeUnit.SECONDS);
    }
}
