package dev.camelmsnftp.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;
import dev.camelmsnftp.testsupport.SentBlocks;
import dev.camelmsnftp.testsupport.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.ENCRYPTION_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.HASH_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.concat;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.framed;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentMacLine;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentRc4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What our sender and receiver do with peers that bend the protocol (tolerated, as real clients do) or break it
 * (each failure kind, triggered by a scripted raw-socket peer). After every test our socket is closed and no thread
 * is left behind.
 */
class MsnftpPeerBehaviourTest {

    static final String USER = "bob@corp.example";
    static final long COOKIE = 4242;
    static final Duration SHORT = Duration.ofMillis(500);
    static final byte[] FILE = MsnftpTranscriptTest.FILE;
    static final int SIZE = FILE.length;

    private ExecutorService executor;
    private Set<Thread> baseline;
    private Loopback.RawPair pair;

    @BeforeEach
    void start() {
        baseline = Threads.snapshot();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (pair != null) {
            assertThat(pair.ours().isOpen()).as("our socket is closed").isFalse();
            pair.close();
        }
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(5));
    }

    private RawPeer connect(boolean weConnect) throws IOException {
        pair = Loopback.raw(weConnect);
        return new RawPeer(pair.peer());
    }

    private static ReadableByteChannel file() {
        return Channels.newChannel(new ByteArrayInputStream(FILE));
    }

    private Future<MsnftpResult> send(MsnftpSender.Builder sender) {
        MsnftpSender built = sender.build();
        return executor.submit(() -> built.run(pair.ours()));
    }

    private Future<MsnftpResult> receive(MsnftpReceiver.Builder receiver) {
        MsnftpReceiver built = receiver.build();
        return executor.submit(() -> built.run(pair.ours()));
    }

    private static MsnftpSender.Builder sender() {
        return MsnftpSender.builder().peerUser(USER).authCookie(COOKIE).source(file(), SIZE).timeout(Duration.ofSeconds(5))
                .byeTimeout(Duration.ofSeconds(5));
    }

    private static MsnftpReceiver.Builder receiver(WritableByteChannel sink) {
        return MsnftpReceiver.builder().localUser(USER).authCookie(COOKIE).sink(sink, SIZE).timeout(Duration.ofSeconds(5))
                .byeTimeout(Duration.ofSeconds(5));
    }

    private static MsnftpException failure(Future<MsnftpResult> result) throws Exception {
        try {
            MsnftpResult unexpected = result.get(15, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + unexpected);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(MsnftpException.class);
            return (MsnftpException) e.getCause();
        }
    }

    /** One step of a peer that trickles. */
    @FunctionalInterface
    private interface Trickle {
        void step() throws IOException;
    }

    /**
     * Trickles (one step every 100 ms: the attacker's pace, not a wait for anything) until our side gives up or the
     * connection is gone, 10 s at most; our side must have given up within 5 s for being slower than its minimum rate.
     */
    private static void droppedForItsRate(Future<MsnftpResult> result, Trickle trickle) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 100 && !result.isDone(); i++) {
            try {
                trickle.step();
            } catch (IOException closed) {
                break;
            }
            Thread.sleep(100);
        }
        MsnftpException e = failure(result);
        assertThat(e.kind()).as(e.toString()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("minimum rate");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** Plays a sender up to TFR. */
    private static void senderHandshake(RawPeer peer, String dialect) throws IOException {
        assertThat(peer.readLine()).isEqualTo("VER " + dialect + "\r\n");
        peer.send("VER " + dialect + "\r\n");
        assertThat(peer.readLine()).isEqualTo("USR " + USER + " " + COOKIE + "\r\n");
        peer.send("FIL " + SIZE + "\r\n");
        assertThat(peer.readLine()).isEqualTo("TFR\r\n");
    }

    @Nested
    class Tolerated {

        @Test
        void senderAcceptsVerWithAnIdAndAList() throws Exception {
            for (String ver : new String[] { "VER 0 MSNFTP\r\n", "VER MSNFTP2 MSNFTP\n" }) {
                RawPeer peer = connect(true);
                Future<MsnftpResult> result = send(sender());
                peer.send(ver);
                assertThat(peer.readLine()).isEqualTo("VER MSNFTP\r\n");
                peer.send("USR " + USER + " " + COOKIE + "\n");
                assertThat(peer.readLine()).isEqualTo("FIL 5000\r\n");
                peer.send("TFR\n");
                assertThat(peer.read(SIZE + 9)).isEqualTo(framed(FILE));
                peer.send("BYE 16777989\n");
                assertThat(result.get(10, TimeUnit.SECONDS).byeCode()).isEqualTo(ByeCodes.SUCCESS);
                assertThat(pair.ours().isOpen()).isFalse();
                pair.close();
            }
        }

        @Test
        void receiverAcceptsLfOnlyLinesAndIgnoresATrailingAbortBlockAfterTheFile() throws Exception {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = receive(receiver(Channels.newChannel(received)));
            assertThat(peer.readLine()).isEqualTo("VER MSNFTP\r\n");
            peer.send("\nVER MSNFTP\n\n");
            assertThat(peer.readLine()).isEqualTo("USR bob@corp.example 4242\r\n");
            peer.send("FIL 5000\n");
            assertThat(peer.readLine()).isEqualTo("TFR\r\n");
            peer.send(concat(framed(FILE), Frames.ABORT_BLOCK));
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            assertThat(result.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(SIZE);
            assertThat(received.toByteArray()).isEqualTo(FILE);
        }

        /**
         * The smallest blocks a sender may send (one byte each, sent at once) fill the receiver's input buffer with as
         * many blocks as it can hold: all arrive. The receiver gathers each buffer's bodies in an array sized for that.
         */
        @Test
        void oneByteBlocksFillingTheInputBufferAllArrive() throws Exception {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(receiver(Channels.newChannel(received)));
            senderHandshake(peer, "MSNFTP");
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (byte b : FILE) {
                wire.write(new byte[] { 0, 1, 0, b });
            }
            peer.send(wire.toByteArray());
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            assertThat(result.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(SIZE);
            assertThat(received.toByteArray()).isEqualTo(FILE);
        }

        @Test
        void encryptedReceiverFindsTheMacAfterATrailingAbortBlock() throws Exception {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = receive(
                    receiver(Channels.newChannel(received)).keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)));
            senderHandshake(peer, "MSN_SECURE_FTP");
            peer.send(concat(framed(independentRc4(FILE)), Frames.ABORT_BLOCK));
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            peer.send(independentMacLine(FILE));
            assertThat(result.get(10, TimeUnit.SECONDS).encrypted()).isTrue();
            assertThat(received.toByteArray()).isEqualTo(FILE);
        }

        @Test
        void senderTakesAmsnStyleCclWithBlankLinesAsACancel() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender());
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("CCL\n\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.phase()).isEqualTo(Phase.HANDSHAKE);
        }

        /**
         * aMSN receives an empty file with TFR and never says BYE: the file is complete (it has all 0 bytes), so after
         * a short wait the sender reports success without a BYE code, whether the receiver stays silent or hangs up,
         * long before its BYE time-out.
         */
        @ParameterizedTest(name = "receiver hangs up: {0}")
        @ValueSource(booleans = { false, true })
        void emptyFileToAReceiverThatNeverSaysByeIsSentWithoutABye(boolean hangsUp) throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().source(file(), 0).timeout(Duration.ofSeconds(30))
                    .byeTimeout(Duration.ofSeconds(30)));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            assertThat(peer.readLine()).isEqualTo("FIL 0\r\n");
            long start = System.nanoTime();
            peer.send("TFR\r\n");
            if (hangsUp) {
                pair.peer().close();
            }
            MsnftpResult sent = result.get(15, TimeUnit.SECONDS);
            assertThat(sent.bytes()).isZero();
            assertThat(sent.bye()).as("no BYE came").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s BYE time-out")
                    .isLessThan(Duration.ofSeconds(10));
            if (!hangsUp) {
                assertThat(peer.closedWithoutMoreBytes()).as("nothing after TFR, then the sender closes").isTrue();
            }
        }

        @Test
        void emptyFileToAReceiverThatCancelsAfterTfrFails() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().source(file(), 0));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\nBYE 2147942405\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.byeCode()).hasValue(ByeCodes.OUT_OF_DISK);
        }
    }

    /**
     * The side that accepted the connection lets the peer close first ({@code peerClosesFirst}): it waits for the
     * peer's end after the last line, but a peer that never closes holds it only for that wait. (That our end stays
     * open until the peer closes, in every flow and dialect, is MsnftpConnectionCloseTest's.)
     */
    @Nested
    class Closing {

        @Test
        void aSenderThatNeverClosesHoldsTheReceiverOnlyForTheWait() throws Exception {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = receive(receiver(Channels.newChannel(received)).peerClosesFirst(SHORT));
            senderHandshake(peer, "MSNFTP");
            peer.send(framed(FILE));
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            peer.send("anything after the end is read and dropped\r\n");
            assertThat(result.get(10, TimeUnit.SECONDS).bytes()).as("complete, though the sender kept its end open")
                    .isEqualTo(SIZE);
            assertThat(received.toByteArray()).isEqualTo(FILE);
            assertThat(peer.closedWithoutMoreBytes()).as("then the receiver closed").isTrue();
        }

        /**
         * Once the receiver said {@code BYE 16777989} the sender counts the file as delivered (pidgin-sipe, OCS, ours
         * with acknowledge=afterReceive): a cancel on our side after it (the route or context stopping) must not
         * discard the file. The plain receiver never did; the encrypted one did, as it still waited for the MAC.
         */
        @ParameterizedTest
        @EnumSource(Dialect.class)
        void aCancelAfterOurSuccessByeKeepsTheFile(Dialect dialect) throws Exception {
            boolean secure = dialect == Dialect.MSN_SECURE_FTP;
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            RawPeer peer = connect(false);
            MsnftpReceiver receiver = receiver(Channels.newChannel(received))
                    .keys(secure ? TransferKeys.of(ENCRYPTION_KEY, HASH_KEY) : null).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            senderHandshake(peer, dialect.toString());
            peer.send(framed(secure ? independentRc4(FILE) : FILE));
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");

            receiver.cancel();
            if (secure) {
                peer.send(independentMacLine(FILE));
            }

            assertThat(result.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(SIZE);
            assertThat(received.toByteArray()).isEqualTo(FILE);
        }

        @Test
        void aReceiverThatNeverClosesHoldsTheSenderOnlyForTheWait() throws Exception {
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = send(sender().peerClosesFirst(SHORT));
            peer.send("VER MSNFTP\r\n");
            assertThat(peer.readLine()).isEqualTo("VER MSNFTP\r\n");
            peer.send("USR " + USER + " " + COOKIE + "\r\n");
            assertThat(peer.readLine()).isEqualTo("FIL 5000\r\n");
            peer.send("TFR\r\n");
            assertThat(peer.read(SIZE + 9)).isEqualTo(framed(FILE));
            peer.send("BYE 16777989\r\n");
            assertThat(result.get(10, TimeUnit.SECONDS).byeCode()).as("complete, though the receiver kept its end open")
                    .isEqualTo(ByeCodes.SUCCESS);
            assertThat(peer.closedWithoutMoreBytes()).as("then the sender closed").isTrue();
        }
    }

    @Nested
    class SenderFailures {

        @Test
        void wrongUserClosesWithoutOneByteOfTheFile() throws Exception {
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = send(sender());
            peer.send("VER MSNFTP\r\nUSR mallory@corp.example 4242\r\n");
            assertThat(new String(peer.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("VER MSNFTP\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).contains("mallory@corp.example");
        }

        @Test
        void aBareExpectedUserIsComparedWithTheUserPartOnly() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().peerUser("BOB"));
            peer.send("VER MSNFTP\r\nUSR bob@corp.example 4242\r\n");
            peer.readLine();
            assertThat(peer.readLine()).isEqualTo("FIL 5000\r\n");
            pair.peer().close();
            assertThat(failure(result).kind()).isEqualTo(Kind.CONNECTION_LOST);

            RawPeer other = connect(true);
            Future<MsnftpResult> refused = send(sender().peerUser("bob"));
            other.send("VER MSNFTP\r\nUSR bobby@corp.example 4242\r\n");
            assertThat(new String(other.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("VER MSNFTP\r\n");
            assertThat(failure(refused).kind()).isEqualTo(Kind.AUTHENTICATION_FAILED);
        }

        @Test
        void wrongAuthCookieClosesWithoutOneByteOfTheFile() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender());
            peer.send("VER MSNFTP\r\nUSR bob@corp.example 4243\r\n");
            assertThat(new String(peer.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("VER MSNFTP\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).doesNotContain("4242").doesNotContain("4243");
        }

        @Test
        void noCommonDialectClosesWithoutAnswering() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender());
            peer.send("VER MSNFTP2 MSNFTP3\r\n");
            assertThat(peer.readToEnd()).isEmpty();
            assertThat(failure(result).kind()).isEqualTo(Kind.VERSION_MISMATCH);
        }

        @Test
        void encryptedSenderNeverFallsBackToPlain() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().keys(TransferKeys.random()));
            peer.send("VER MSNFTP\r\n");
            assertThat(peer.readToEnd()).isEmpty();
            assertThat(failure(result).kind()).isEqualTo(Kind.VERSION_MISMATCH);
        }

        @Test
        void overLongLineIsAProtocolError() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender());
            peer.send("VER " + "M".repeat(1100));
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("1024");
        }

        @Test
        void cclMidTransferStopsTheSenderAtOnce() throws Exception {
            int size = 64 * 1024 * 1024;
            RawPeer peer = connect(true);
            pair.peer().setReceiveBufferSize(64 * 1024);
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\n");
            peer.read(10 * 2048);
            peer.send("CCL\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.phase()).isEqualTo(Phase.DATA);
            long rest = peer.readToEnd().length;
            assertThat(rest).as("bytes after CCL").isLessThan(size / 4);
        }

        @Test
        void failureByeCodesAreUnsignedAndKept() throws Exception {
            for (long code : new long[] { ByeCodes.OUT_OF_DISK, ByeCodes.RECEIVER_CANCELLED }) {
                RawPeer peer = connect(true);
                Future<MsnftpResult> result = send(sender());
                senderSide(peer);
                peer.read(SIZE + 9);
                peer.send("BYE " + code + "\r\n");
                MsnftpException e = failure(result);
                assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
                assertThat(e.byeCode()).hasValue(code);
                assertThat(e.getMessage()).contains(Long.toString(code));
                assertThat(pair.ours().isOpen()).isFalse();
                pair.close();
            }
            assertThat(ByeCodes.describe(ByeCodes.OUT_OF_DISK)).contains("disk");
        }

        @Test
        void silentReceiverTimesOut() throws Exception {
            connect(true);
            long start = System.nanoTime();
            MsnftpException e = failure(send(sender().timeout(SHORT)));
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.phase()).isEqualTo(Phase.HANDSHAKE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }

        @Test
        void receiverThatStopsReadingUnblocksTheSenderWithinTheTimeOut() throws Exception {
            int size = 256 * 1024 * 1024;
            RawPeer peer = connect(true);
            pair.peer().setReceiveBufferSize(64 * 1024);
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size).timeout(SHORT));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.phase()).isEqualTo(Phase.DATA);
        }

        @Test
        void receiverClosingMidTransferIsConnectionLost() throws Exception {
            int size = 64 * 1024 * 1024;
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size));
            senderSide(peer);
            peer.read(4096);
            pair.peer().setSoLinger(true, 0);
            pair.peer().close();
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CONNECTION_LOST);
        }

        /**
         * A receiver that keeps reading while it cancels: the sender's writes mostly go through whole, so it sees the
         * CCL only by looking at its input between writes and chunks (not only when a write blocks). It stops within a
         * few socket buffers of the CCL, not at the end of the 256 MB file (fails with both looks removed; either one
         * alone is enough).
         */
        @Test
        void aCclWhileTheReceiverKeepsReadingStopsTheSenderBetweenChunks() throws Exception {
            int size = 256 * 1024 * 1024;
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size).timeout(Duration.ofSeconds(30)));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\n");
            peer.read(1024 * 1024);
            peer.send("CCL\r\n");
            long after = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n = peer.socket().getInputStream().read(buffer); n >= 0;
                 n = peer.socket().getInputStream().read(buffer)) {
                after += n;
            }
            MsnftpException e = failure(result);
            assertThat(e.kind()).as(e.toString()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(after).as("bytes after CCL").isLessThan(size / 8);
        }

        @Test
        void aCclWhileTheReceiverDoesNotReadStopsTheSenderAtOnce() throws Exception {
            int size = 64 * 1024 * 1024;
            // small buffers: the sender's first chunk cannot leave, it waits for the receiver to read
            pair = Loopback.raw(true, 4096);
            RawPeer peer = new RawPeer(pair.peer());
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size).timeout(Duration.ofSeconds(30)));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            long start = System.nanoTime();
            // as a receiver that cancels early, and reads nothing more
            peer.send("TFR\r\nCCL\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).as(e.toString()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s time-out")
                    .isLessThan(Duration.ofSeconds(10));
        }

        /**
         * The same bound for a receiver that reads a little now and then: the sender's writes go on, it is never
         * silent, but it reads 10 KB/s where 100 KB/s are asked for here.
         */
        @Test
        void aReceiverThatTricklesItsReadsIsDroppedForItsRate() throws Exception {
            int size = 64 * 1024 * 1024;
            pair = Loopback.raw(true, 4096);
            RawPeer peer = new RawPeer(pair.peer());
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size).timeout(Duration.ofSeconds(1))
                    .minRate(100_000));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\nTFR\r\n");
            peer.readLine();
            peer.readLine();
            droppedForItsRate(result, () -> peer.read(1024));
        }

        @Test
        void receiverOutOfDiskThatResetsAtOnceIsStillOutOfDisk() throws Exception {
            int size = 64 * 1024 * 1024;
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = send(sender().source(new Zeros(size), size));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            // as a receiver whose disk is full on the first write: its BYE, then it is gone (a reset, as it had
            // unread data)
            peer.send("TFR\r\nBYE 2147942405\r\n");
            pair.peer().setSoLinger(true, 0);
            pair.peer().close();
            MsnftpException e = failure(result);
            assertThat(e.kind()).as(e.toString()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.byeCode()).hasValue(ByeCodes.OUT_OF_DISK);
        }

        @Test
        void sourceShorterThanOfferedAbortsWithAFlagOneBlock() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = send(sender().source(file(), SIZE + 10));
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            assertThat(peer.readLine()).isEqualTo("FIL 5010\r\n");
            peer.send("TFR\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.LOCAL_IO);
            assertThat(peer.readToEnd()).as("no partial chunk, just the abort block").isEqualTo(Frames.ABORT_BLOCK);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Dialect.class)
        void aCancelledSenderCompletesItsBlockAndWritesTheAbortBlock(Dialect dialect) throws Exception {
            int size = 64 * 1024 * 1024;
            RawPeer peer = connect(true);
            MsnftpSender sender = sender().keys(dialect.encrypted() ? TransferKeys.random() : null)
                    .source(new Zeros(size), size).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            peer.send("VER " + dialect + "\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\n");
            assertThat(Arrays.copyOf(peer.read(2048), 3)).as("a first full block").containsExactly(0, 0xfd, 0x07);
            // the sender is now somewhere in a chunk (most likely inside a block), waiting for us to read
            sender.cancel();
            String rest = SentBlocks.untilTheEnd(peer.socket().getInputStream());
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
            assertThat(rest).as("the bytes after the first block").isEqualTo(SentBlocks.ABORTED);
        }

        private void senderSide(RawPeer peer) throws IOException {
            peer.send("VER MSNFTP\r\nUSR " + USER + " " + COOKIE + "\r\n");
            peer.readLine();
            peer.readLine();
            peer.send("TFR\r\n");
        }
    }

    @Nested
    class ReceiverFailures {

        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        private Future<MsnftpResult> receiving() throws IOException {
            return receive(receiver(Channels.newChannel(received)));
        }

        /**
         * A sender that trickles a byte every 100 ms is never silent for the 1 s time-out, but moves far less than the
         * minimum rate: it is dropped after about one window, not fed for ever. (The pauses are the attacker's pace.)
         */
        @Test
        void aTricklingSenderIsDroppedForItsRateThoughNeverSilent() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(receiver(Channels.newChannel(received)).timeout(Duration.ofSeconds(1))
                    .minRate(1024));
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 0, (byte) 0xfd, 0x07 });
            droppedForItsRate(result, () -> peer.send(new byte[] { 42 }));
        }

        @Test
        void blockLongerThan2045IsAProtocolError() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 0, (byte) 0xff, (byte) 0xff });
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("65535");
        }

        @Test
        void flagOtherThanZeroOrOneIsAProtocolError() throws Exception {
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 2, 1, 0, 'x' });
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("flag 2");
        }

        @Test
        void emptyDataBlockIsAProtocolError() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 0, 0, 0 });
            assertThat(failure(result).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        }

        @Test
        void moreBytesThanAnnouncedIsAProtocolError() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            byte[] wire = framed(FILE);
            wire[wire.length - 910 - 2] = (byte) 0x8f; // last block says 911 bytes
            peer.send(concat(wire, new byte[] { 'x' }));
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("more than the 5000 bytes");
        }

        @Test
        void filSizeMismatchIsCancelledWithCcl() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            peer.readLine();
            peer.send("VER MSNFTP\r\n");
            peer.readLine();
            peer.send("FIL 5001\r\n");
            assertThat(new String(peer.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("CCL\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("FIL 5001");
        }

        @Test
        void senderClosingAfterUsrMeansItRefusedOurCredentials() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            peer.readLine();
            peer.send("VER MSNFTP\r\n");
            peer.readLine();
            pair.peer().close();
            assertThat(failure(result).kind()).isEqualTo(Kind.AUTHENTICATION_FAILED);
        }

        @Test
        void senderSpeakingAnotherDialectIsAVersionMismatch() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(
                    receiver(Channels.newChannel(received)).keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)));
            assertThat(peer.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            peer.send("VER MSNFTP\r\n");
            assertThat(failure(result).kind()).isEqualTo(Kind.VERSION_MISMATCH);
        }

        @Test
        void overLongLineIsAProtocolError() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            peer.readLine();
            peer.send("VER MSNFTP\r\n");
            peer.readLine();
            peer.send("FIL " + "9".repeat(2000));
            assertThat(failure(result).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        }

        @Test
        void abortBlockIsACancelByThePeer() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send(concat(new byte[] { 0, (byte) 0xfd, 0x07 }, new byte[2045]));
            peer.send(Frames.ABORT_BLOCK);
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.getMessage()).contains("2045 of 5000");
        }

        @Test
        void senderByeInsteadOfABlockIsACancelWithItsCode() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send("BYE 2164261683\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED_BY_PEER);
            assertThat(e.byeCode()).hasValue(ByeCodes.SENDER_CANCELLED);
        }

        @Test
        void wrongMacFailsAlthoughByeSaidSuccess() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(
                    receiver(Channels.newChannel(received)).keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)));
            senderHandshake(peer, "MSN_SECURE_FTP");
            byte[] tampered = framed(independentRc4(FILE));
            tampered[100] ^= 1;
            peer.send(tampered);
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            peer.send(independentMacLine(FILE));
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.MAC_MISMATCH);
            assertThat(e.phase()).isEqualTo(Phase.MAC);
        }

        @Test
        void missingMacFails() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(
                    receiver(Channels.newChannel(received)).keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)));
            senderHandshake(peer, "MSN_SECURE_FTP");
            peer.send(framed(independentRc4(FILE)));
            assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");
            pair.peer().close();
            assertThat(failure(result).kind()).isEqualTo(Kind.MAC_MISMATCH);
        }

        @Test
        void silentSenderTimesOut() throws Exception {
            RawPeer peer = connect(true);
            Future<MsnftpResult> result = receive(receiver(Channels.newChannel(received)).timeout(SHORT));
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 0, (byte) 0xfd, 0x07, 1, 2, 3 });
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.phase()).isEqualTo(Phase.DATA);
        }

        @Test
        void eofMidTransferIsConnectionLost() throws Exception {
            RawPeer peer = connect(false);
            Future<MsnftpResult> result = receiving();
            senderHandshake(peer, "MSNFTP");
            peer.send(new byte[] { 0, (byte) 0xfd, 0x07, 1, 2, 3 });
            pair.peer().close();
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.CONNECTION_LOST);
            assertThat(e.phase()).isEqualTo(Phase.DATA);
        }

        @Test
        void sinkFailureTellsTheSenderOutOfDisk() throws Exception {
            RawPeer peer = connect(true);
            WritableByteChannel full = new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
            Future<MsnftpResult> result = receive(receiver(full));
            senderHandshake(peer, "MSNFTP");
            peer.send(framed(FILE));
            assertThat(peer.readLine()).isEqualTo("BYE 2147942405\r\n");
            MsnftpException e = failure(result);
            assertThat(e.kind()).isEqualTo(Kind.LOCAL_IO);
            assertThat(e.byeCode()).hasValue(ByeCodes.OUT_OF_DISK);
            assertThat(e.getMessage()).contains("No space left");
        }

        @Test
        void cancelSendsCcl() throws Exception {
            RawPeer peer = connect(true);
            MsnftpReceiver receiver = receiver(Channels.newChannel(received)).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            senderHandshake(peer, "MSNFTP");
            receiver.cancel();
            assertThat(new String(peer.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("CCL\r\n");
            assertThat(failure(result).kind()).isEqualTo(Kind.CANCELLED);
        }

        @Test
        void cancelBeforeRunFailsAtOnce() {
            connect0();
            MsnftpReceiver receiver = receiver(Channels.newChannel(received)).build();
            receiver.cancel();
            assertThatThrownBy(() -> receiver.run(pair.ours())).isInstanceOfSatisfying(MsnftpException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        }

        private void connect0() {
            pair = Loopback.raw(true);
        }
    }

    /** {@code size} zero bytes, produced on demand: large sources without large memory. */
    static final class Zeros implements ReadableByteChannel {
        private long left;

        Zeros(long size) {
            this.left = size;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), left);
            dst.position(dst.position() + n);
            left -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
