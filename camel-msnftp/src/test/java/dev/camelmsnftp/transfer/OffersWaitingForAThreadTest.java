package dev.camelmsnftp.transfer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offers cancelled while they wait: for a thread (they have a transfer slot, their transfer has not started) or for a
 * slot (in the queue). Carol receives with a transfer manager whose transfers wait in {@link #waitingForAThread} until
 * the test runs them; bob is a plain SIP agent that sends the offers and collects what carol sends back.
 */
class OffersWaitingForAThreadTest {

    @TempDir
    Path dir;
    private final BlockingQueue<Runnable> waitingForAThread = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> bobGot = new LinkedBlockingQueue<>();
    private SipAgent carolAgent;
    private SipAgent bobAgent;
    private TransferManager carol;
    private String carolAddress;

    @BeforeEach
    void start() throws Exception {
        carolAgent = SipAgent.start(SipAgentConfig.builder("carol@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        bobAgent = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        carol = new TransferManager(carolAgent, waitingForAThread::add);
        bobAgent.addMessageListener(TransferManager.MEDIA_TYPE, (IncomingMessage message) -> {
            bobGot.add(new String(message.body(), StandardCharsets.UTF_8));
            return 200;
        });
        carolAddress = "sip:carol@127.0.0.1:" + carolAgent.localPort();
    }

    @AfterEach
    void stop() {
        carol.close();
        bobAgent.close();
        carolAgent.close();
    }

    private TransferSettings.Builder settings() {
        return TransferSettings.builder("carol@corp.example").ftpHost("127.0.0.1").workDir(dir.resolve("work"));
    }

    /**
     * SPEC 3: after a CANCEL nothing more is sent for that cookie. An offer that was admitted (it has a transfer slot)
     * but whose transfer has not started on a thread yet, and whose sender cancels in that gap (its own acceptTimeout
     * ended while the offer waited for a slot, or the user gave up), must not be answered with an ACCEPT afterwards.
     */
    @Test
    void aSenderThatCancelsBeforeTheTransferRunsGetsNoAccept() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            CountDownLatch over = new CountDownLatch(1);
            carol.addInboundHandler(new TestHandler("*", settings().acceptTimeout(Duration.ofSeconds(5)).build())
                    .onNotReceived(offer -> over.countDown()));
            long cookie = 777_777;

            offer(cookie);
            Runnable transfer = waitingForAThread.poll(5, TimeUnit.SECONDS);
            assertThat(transfer).as("the offer has a slot and waits for a thread").isNotNull();
            withdraw(cookie);
            threads.execute(transfer);

            assertThat(over.await(10, TimeUnit.SECONDS)).as("the offer ended").isTrue();
            // an ACCEPT, when sent, goes out before the offer ends; give it a bounded time to arrive
            assertThat(bobGot.poll(2, TimeUnit.SECONDS)).as("nothing is sent for the cookie after its CANCEL").isNull();
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Cancelling on our side ({@link Transfer#cancel()}, {@link TransferManager#cancel(long)} from JMX) an offer that
     * waits in the queue for a transfer slot: it leaves the queue at once, so its place and the next free slot go to
     * the next offer, it ends as cancelled, and its sender gets one CANCEL OUTBANDCANCEL.
     */
    @Test
    void aCancelledQueuedOfferLeavesTheQueueAtOnceAndEndsCancelled() throws Exception {
        BlockingQueue<TransferException> failures = new LinkedBlockingQueue<>();
        InboundHandler handler = new TestHandler("*", settings().acceptTimeout(Duration.ofSeconds(30))
                .maxConcurrentTransfers(1).maxQueuedOffers(1).build()).onFailure(failures::add);
        carol.addInboundHandler(handler);
        long running = 111_111;
        long queued = 222_222;
        long next = 333_333;

        offer(running);
        Runnable first = waitingForAThread.poll(5, TimeUnit.SECONDS);
        assertThat(first).as("the first offer has the slot").isNotNull();
        offer(queued);
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
        offer(next);
        assertThat(carol.queuedOffers(handler)).isEqualTo(1);
        withdraw(running);
        first.run();
        Runnable second = waitingForAThread.poll(5, TimeUnit.SECONDS);
        assertThat(second).as("the next offer has the slot").isNotNull();
        assertThat(carol.queuedOffers(handler)).isZero();
        withdraw(next);
        second.run();
        assertThat(waitingForAThread).as("nothing else ever got the slot").isEmpty();
        assertThat(carol.transfers()).isEmpty();

        List<String> rest = List.copyOf(bobGot);
        assertThat(rest).as("nothing more than the one CANCEL went to bob for any cookie").isEmpty();
    }

    /** Bob offers carol a file (flow B: he cannot listen). */
    private void offer(long cookie) throws Exception {
        bobAgent.sendMessage(carolAddress, TransferManager.CONTENT_TYPE,
                InvitationCodec.formatBytes(Invitation.invite(cookie, cookie + ".bin", 10).connectivityN().build()),
                SipMode.PAGER).get(5, TimeUnit.SECONDS);
    }

    /** Bob cancels an offer before its transfer runs: running it then ends it without a word to him. */
    private void withdraw(long cookie) throws Exception {
        bobAgent.sendMessage(carolAddress, TransferManager.CONTENT_TYPE,
                InvitationCodec.formatBytes(Invitation.cancel(cookie, CancelCode.TIMEOUT).build()), SipMode.PAGER)
                .get(5, TimeUnit.SECONDS);
    }
}
