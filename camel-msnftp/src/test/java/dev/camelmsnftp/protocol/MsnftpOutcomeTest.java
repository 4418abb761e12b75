package dev.camelmsnftp.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.ENCRYPTION_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.FILE;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.HASH_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.SIZE;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.USER;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.framed;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentMacLine;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentRc4;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery outcome on the wire (SPEC 5, acknowledge=afterRoute; design in src-docs/msnftp-protocol.md), byte for
 * byte against a scripted peer: the plain receiver holds its BYE until the file is delivered and sends the outcome in
 * it; the encrypted receiver sends BYE at once, checks the MAC, delivers, then sends {@code ACK <code>}. The sender that
 * waits for the outcome reads both, and fails with the code on a failure.
 */
class MsnftpOutcomeTest {

    static final long NOT_DELIVERED = 2147500037L;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** An outcome that says when it is asked, and answers {@code code} once released. */
    static final class HeldOutcome implements DeliveryOutcome {
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final long code;

        HeldOutcome(long code) {
            this.code = code;
        }

        @Override
        public long deliver() {
            asked.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return code;
        }
    }

    @ParameterizedTest(name = "outcome {0}")
    @ValueSource(longs = { 16777989L, NOT_DELIVERED })
    void thePlainReceiverHoldsItsByeUntilTheFileIsDeliveredAndSendsTheOutcomeInIt(long code) throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        HeldOutcome outcome = new HeldOutcome(code);
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(4242)
                    .sink(Channels.newChannel(received), SIZE).outcome(outcome).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());

            assertThat(sender.readLine()).isEqualTo("VER MSNFTP\r\n");
            sender.send("VER MSNFTP\r\n");
            assertThat(sender.readLine()).isEqualTo("USR amsn-user@example.com 4242\r\n");
            sender.send("FIL 5000\r\n");
            assertThat(sender.readLine()).isEqualTo("TFR\r\n");
            sender.send(framed(FILE));
            assertThat(outcome.asked.await(10, TimeUnit.SECONDS)).as("delivered once every byte is in").isTrue();
            assertThat(received.toByteArray()).as("the whole file before the delivery").isEqualTo(FILE);
            assertThat(pair.peer().getInputStream().available()).as("no BYE while the delivery runs").isZero();
            outcome.release.countDown();
            assertThat(sender.readLine()).isEqualTo("BYE " + code + "\r\n");
            assertThat(sender.closedWithoutMoreBytes()).isTrue();
            MsnftpResult done = result.get(10, TimeUnit.SECONDS);
            assertThat(done.byeCode()).isEqualTo(code);
            assertThat(done.outcome()).isEqualTo(code);
        }
    }

    @ParameterizedTest(name = "outcome {0}")
    @ValueSource(longs = { 16777989L, NOT_DELIVERED })
    void theEncryptedReceiverSaysByeChecksTheMacDeliversThenSendsAck(long code) throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        HeldOutcome outcome = new HeldOutcome(code);
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(4242)
                    .keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)).sink(Channels.newChannel(received), SIZE)
                    .outcome(outcome).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());

            assertThat(sender.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            sender.send("VER MSN_SECURE_FTP\r\n");
            sender.readLine();
            sender.send("FIL 5000\r\n");
            assertThat(sender.readLine()).isEqualTo("TFR\r\n");
            sender.send(framed(independentRc4(FILE)));
            assertThat(sender.readLine()).as("BYE as always: the MAC comes after it").isEqualTo("BYE 16777989\r\n");
            assertThat(outcome.asked.getCount()).as("nothing delivered before the MAC is checked").isOne();
            sender.send(independentMacLine(FILE));
            assertThat(outcome.asked.await(10, TimeUnit.SECONDS)).isTrue();
            outcome.release.countDown();
            assertThat(sender.readLine()).isEqualTo("ACK " + code + "\r\n");
            assertThat(sender.closedWithoutMoreBytes()).isTrue();
            MsnftpResult done = result.get(10, TimeUnit.SECONDS);
            assertThat(done.byeCode()).isEqualTo(16777989L);
            assertThat(done.outcome()).isEqualTo(code);
        }
        assertThat(received.toByteArray()).isEqualTo(FILE);
    }

    @Test
    void aWrongMacIsNeverDeliveredAndTheWaitingSenderSeesTheConnectionClose() throws Exception {
        HeldOutcome outcome = new HeldOutcome(16777989L);
        outcome.release.countDown();
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(4242)
                    .keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)).sink(Channels.newChannel(new ByteArrayOutputStream()),
                            SIZE).outcome(outcome).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());
            sender.readLine();
            sender.send("VER MSN_SECURE_FTP\r\n");
            sender.readLine();
            sender.send("FIL 5000\r\n");
            sender.readLine();
            sender.send(framed(independentRc4(FILE)));
            sender.readLine();
            sender.send("MAC AAAAAAAAAAAAAAAAAAAAAAAAAAA=\0\r\n");
            assertThat(sender.closedWithoutMoreBytes()).as("no ACK").isTrue();
            assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MsnftpException.class,
                            e -> assertThat(e.kind()).isEqualTo(MsnftpException.Kind.MAC_MISMATCH));
        }
        assertThat(outcome.asked.getCount()).as("not delivered").isOne();
    }

    private MsnftpSender waitingSender(TransferKeys keys, Duration outcomeTimeout) {
        return MsnftpSender.builder().peerUser(USER).authCookie(4242).keys(keys)
                .source(Channels.newChannel(new ByteArrayInputStream(FILE)), SIZE).awaitOutcome(outcomeTimeout).build();
    }

    /** Plays the receiver up to the last block. */
    private static RawPeer receiveUpToTheData(Loopback.RawPair pair, String version, byte[] wire) throws Exception {
        RawPeer receiver = new RawPeer(pair.peer());
        receiver.send("VER " + version + "\r\n");
        receiver.readLine();
        receiver.send("USR amsn-user@example.com 4242\r\n");
        assertThat(receiver.readLine()).isEqualTo("FIL 5000\r\n");
        receiver.send("TFR\r\n");
        assertThat(receiver.read(SIZE + 9)).isEqualTo(wire);
        return receiver;
    }

    @Test
    void thePlainSenderWaitsForTheHeldByeAndFailsWithItsCode() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            Future<MsnftpResult> result = executor.submit(() -> waitingSender(null, Duration.ofSeconds(10)).run(pair.ours()));
            RawPeer receiver = receiveUpToTheData(pair, "MSNFTP", framed(FILE));
            receiver.send("BYE " + NOT_DELIVERED + "\r\n");
            assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MsnftpException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MsnftpException.Kind.CANCELLED_BY_PEER);
                        assertThat(e.byeCode()).hasValue(NOT_DELIVERED);
                        assertThat(e.phase()).isEqualTo(MsnftpException.Phase.OUTCOME);
                    });
        }
    }

    @Test
    void theEncryptedSenderWritesTheMacThenReadsTheAck() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            Future<MsnftpResult> result = executor.submit(() -> waitingSender(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY),
                    Duration.ofSeconds(10)).run(pair.ours()));
            RawPeer receiver = receiveUpToTheData(pair, "MSN_SECURE_FTP", framed(independentRc4(FILE)));
            receiver.send("BYE 16777989\r\n");
            assertThat(receiver.read(independentMacLine(FILE).length)).isEqualTo(independentMacLine(FILE));
            receiver.send("ACK 16777989\r\n");
            MsnftpResult done = result.get(10, TimeUnit.SECONDS);
            assertThat(done.delivered()).isTrue();
            assertThat(done.outcome()).isEqualTo(16777989L);
        }
    }

    @Test
    void theEncryptedSenderFailsWithTheCodeOfAFailedAck() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            Future<MsnftpResult> result = executor.submit(() -> waitingSender(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY),
                    Duration.ofSeconds(10)).run(pair.ours()));
            RawPeer receiver = receiveUpToTheData(pair, "MSN_SECURE_FTP", framed(independentRc4(FILE)));
            receiver.send("BYE 16777989\r\n");
            receiver.read(independentMacLine(FILE).length);
            receiver.send("ACK " + NOT_DELIVERED + "\r\n");
            assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MsnftpException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MsnftpException.Kind.CANCELLED_BY_PEER);
                        assertThat(e.byeCode()).hasValue(NOT_DELIVERED);
                    });
        }
    }

    @ParameterizedTest(name = "encrypted={0}")
    @ValueSource(booleans = { false, true })
    void aReceiverThatDiesBeforeTheOutcomeIsAFailureNeverASuccess(boolean encrypted) throws Exception {
        TransferKeys keys = encrypted ? TransferKeys.of(ENCRYPTION_KEY, HASH_KEY) : null;
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            Future<MsnftpResult> result = executor.submit(() -> waitingSender(keys, Duration.ofSeconds(10)).run(pair.ours()));
            RawPeer receiver = receiveUpToTheData(pair, encrypted ? "MSN_SECURE_FTP" : "MSNFTP",
                    framed(encrypted ? independentRc4(FILE) : FILE));
            if (encrypted) {
                receiver.send("BYE 16777989\r\n");
                receiver.read(independentMacLine(FILE).length);
            }
            pair.peer().close();
            assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MsnftpException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MsnftpException.Kind.CONNECTION_LOST);
                        assertThat(e.getMessage()).contains("whether it delivered the file");
                    });
        }
    }

    @Test
    void theWaitForTheOutcomeIsBounded() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            Future<MsnftpResult> result = executor.submit(() -> waitingSender(null, Duration.ofMillis(500)).run(pair.ours()));
            receiveUpToTheData(pair, "MSNFTP", framed(FILE));
            assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(MsnftpException.class,
                            e -> assertThat(e.kind()).isEqualTo(MsnftpException.Kind.TIMEOUT));
        }
    }
}
