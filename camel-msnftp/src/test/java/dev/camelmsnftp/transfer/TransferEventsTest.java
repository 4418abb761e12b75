package dev.camelmsnftp.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What operators get from the transfer layer: the events of each transfer on both sides (offered, accepted, progress,
 * finished), counters, the list of transfers under way with cancel, and the progress lines, between two real SIP
 * agents on loopback.
 */
class TransferEventsTest {

    private static final int SIZE = 5 * 1024 * 1024 + 7;

    @TempDir
    Path dir;
    private ManagersOnLoopback managers;
    private SipAgent aliceAgent;
    private SipAgent bobAgent;
    private TransferManager alice;
    private TransferManager bob;
    private ExecutorService threads;
    private final BlockingQueue<ReceivedFile> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<TransferException> failures = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        managers = new ManagersOnLoopback();
        aliceAgent = managers.aliceAgent;
        bobAgent = managers.bobAgent;
        alice = managers.alice;
        bob = managers.bob;
        threads = managers.threads;
    }

    @AfterEach
    void stop() throws Exception {
        managers.stop(() -> { });
    }

    /** Every event, as "event state bytes", and the transfer it was about. */
    static final class Recorder implements TransferListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Long> progress = Collections.synchronizedList(new ArrayList<>());
        volatile Transfer last;

        @Override
        public void offered(Transfer transfer) {
            record("offered", transfer);
        }

        @Override
        public void accepted(Transfer transfer) {
            record("accepted", transfer);
        }

        @Override
        public void progress(Transfer transfer) {
            progress.add(transfer.bytes());
            last = transfer;
        }

        @Override
        public void finished(Transfer transfer) {
            record("finished " + transfer.state(), transfer);
        }

        private void record(String event, Transfer transfer) {
            events.add(event);
            last = transfer;
        }
    }

    /** An SLF4J logger that keeps what it is given, as "LEVEL message". */
    static final class RecordingLogger extends AbstractLogger {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] arguments,
                Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(format, arguments));
        }

        // @formatter:off
        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isTraceEnabled(Marker marker) { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isDebugEnabled(Marker marker) { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(Marker marker) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(Marker marker) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(Marker marker) { return true; }
        // @formatter:on

        List<String> matching(String start) {
            synchronized (lines) {
                return lines.stream().filter(line -> line.startsWith(start)).toList();
            }
        }
    }

    private TransferSettings.Builder settings(String user) {
        return TransferSettings.builder(user).ftpHost("127.0.0.1").workDir(dir.resolve("work"))
                .acceptTimeout(Duration.ofSeconds(5)).transferTimeout(Duration.ofSeconds(5));
    }

    private void bobReceives(TransferSettings settings) {
        bob.addInboundHandler(new TestHandler("*", settings).onFile(received::add).onFailure(failures::add));
    }

    private String bobAddress() {
        return "sip:bob@127.0.0.1:" + bobAgent.localPort();
    }

    private FileSource bigFile() throws Exception {
        byte[] bytes = new byte[SIZE];
        new Random(7).nextBytes(bytes);
        return FileSource.of(Files.write(dir.resolve("big.bin"), bytes), "big.bin");
    }

    static Stream<Arguments> flowsAndDialects() {
        List<Arguments> cases = new ArrayList<>();
        for (Flow flow : Flow.values()) {
            for (EncryptionPolicy encryption : new EncryptionPolicy[] { EncryptionPolicy.DISABLED, EncryptionPolicy.REQUIRED }) {
                cases.add(Arguments.of(flow, encryption));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "flow {0}, encryption {1}")
    @MethodSource("flowsAndDialects")
    void bothSidesSeeOfferAcceptProgressAndCompletionOfAMultiMegabyteTransfer(Flow flow, EncryptionPolicy encryption)
            throws Exception {
        Recorder sent = new Recorder();
        Recorder got = new Recorder();
        TransferStatistics aliceTotals = new TransferStatistics();
        TransferStatistics bobTotals = new TransferStatistics();
        alice.addListener(aliceTotals);
        bob.addListener(bobTotals);
        bobReceives(settings("bob@corp.example").encryption(encryption).alwaysListen(flow == Flow.C).listener(got).build());

        TransferResult result = alice.send(bobAddress(), bigFile(), settings("alice@corp.example").encryption(encryption)
                .connectivity(flow != Flow.B).listener(sent).build());
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file).isNotNull();
        file.delete();

        Dialect dialect = encryption == EncryptionPolicy.REQUIRED ? Dialect.MSN_SECURE_FTP : Dialect.MSNFTP;
        for (Recorder side : List.of(sent, got)) {
            assertThat(side.events).containsExactly("offered", "accepted", "finished COMPLETED");
            assertThat(side.progress).as("progress in steps of about 64 KiB").hasSizeGreaterThan(SIZE / (128 * 1024))
                    .isSorted().last().isEqualTo((long) SIZE);
            Transfer transfer = side.last;
            assertThat(transfer.cookie()).isEqualTo(result.cookie());
            assertThat(transfer.flow()).contains(flow);
            assertThat(transfer.dialect()).contains(dialect);
            assertThat(transfer.percent()).isEqualTo(100);
            assertThat(transfer.bytesPerSecond()).isPositive();
            assertThat(transfer.failure()).isEmpty();
        }
        assertThat(sent.last.direction()).isEqualTo(Transfer.Direction.SEND);
        assertThat(sent.last.peer().addressOfRecord()).isEqualTo("bob@127.0.0.1");
        assertThat(got.last.direction()).isEqualTo(Transfer.Direction.RECEIVE);
        assertThat(got.last.peer().addressOfRecord()).isEqualTo("alice@corp.example");
        for (TransferStatistics totals : List.of(aliceTotals, bobTotals)) {
            assertThat(totals.offered()).isEqualTo(1);
            assertThat(totals.accepted()).isEqualTo(1);
            assertThat(totals.completed()).isEqualTo(1);
            assertThat(totals.rejected() + totals.failed()).isZero();
            assertThat(totals.bytes()).isEqualTo(SIZE);
            assertThat(totals.inFlight()).isEmpty();
        }
        assertThat(alice.transfers()).isEmpty();
        // the receiving thread leaves the list once the handler has the file
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.transfers().isEmpty());
    }

    @Test
    void aDeclinedOfferIsRejectedOnBothSidesAndNeverAccepted() throws Exception {
        Recorder sent = new Recorder();
        Recorder got = new Recorder();
        TransferStatistics bobTotals = new TransferStatistics();
        bob.addListener(bobTotals);
        bobReceives(settings("bob@corp.example").maxFileSize(1000).listener(got).build());

        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[1001], "big.bin"),
                settings("alice@corp.example").listener(sent).build())).isInstanceOf(TransferRejectedException.class);

        assertThat(sent.events).containsExactly("offered", "finished REJECTED");
        assertThat(sent.last.failure()).get().isInstanceOf(TransferRejectedException.class);
        assertThat(got.events).containsExactly("offered", "finished REJECTED");
        assertThat(got.last.failure()).get().asString().contains("CANCEL REJECT");
        assertThat(bobTotals.rejected()).isEqualTo(1);
        assertThat(bobTotals.offered()).isEqualTo(1);
        assertThat(bobTotals.accepted() + bobTotals.completed() + bobTotals.failed()).isZero();
    }

    @Test
    void aTransferUnderWayIsListedWithItsBytesAndCancelledByItsCookie() throws Exception {
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        TransferStatistics bobTotals = new TransferStatistics();
        bob.addListener(bobTotals);
        bobReceives(settings("bob@corp.example").listener(new TransferListener() {
            @Override
            public void progress(Transfer transfer) {
                // hold the receiver on its first step until the test has looked and cancelled
                if (moving.getCount() > 0) {
                    moving.countDown();
                    try {
                        cancelled.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }).build());
        FileSource file = bigFile();
        var sending = threads.submit(() -> alice.send(bobAddress(), file, settings("alice@corp.example").build()));

        assertThat(moving.await(10, TimeUnit.SECONDS)).isTrue();
        List<Transfer> underWay = bob.transfers();
        assertThat(underWay).hasSize(1);
        Transfer transfer = underWay.get(0);
        assertThat(transfer.state()).isEqualTo(Transfer.State.ACCEPTED);
        assertThat(transfer.bytes()).isBetween(1L, SIZE - 1L);
        assertThat(transfer.toString()).contains("receiving big.bin from alice@corp.example", "flow B", "MSN_SECURE_FTP",
                "cookie " + transfer.cookie());
        assertThat(alice.transfers()).extracting(Transfer::cookie).containsExactly(transfer.cookie());

        assertThat(bob.cancel(transfer.cookie())).isTrue();
        cancelled.countDown();

        assertThatThrownBy(() -> {
            try {
                sending.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause();
            }
        }).as("the sender fails (it may see the CCL, or the reset of a socket closed with data unread)")
                .isInstanceOfAny(TransferCancelledException.class, TransferConnectionLostException.class);
        assertThat(failures.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferCancelledException.class,
                e -> assertThat(e.byPeer()).isFalse());
        assertThat(transfer.state()).isEqualTo(Transfer.State.FAILED);
        assertThat(bobTotals.failed()).isEqualTo(1);
        assertThat(bob.cancel(transfer.cookie())).as("nothing left to cancel").isFalse();
        assertThat(received).isEmpty();
    }

    @Test
    void progressLinesNameTheFilePeerBytesPercentRateAndTimeLeft() throws Exception {
        RecordingLogger everyStep = new RecordingLogger();
        RecordingLogger hourly = new RecordingLogger();
        bobReceives(settings("bob@corp.example")
                .listener(new TransferLogging(hourly, Level.DEBUG, Duration.ofHours(1), false)).build());

        alice.send(bobAddress(), bigFile(), settings("alice@corp.example")
                .listener(new TransferLogging(everyStep, Level.INFO, Duration.ofHours(1), true)).build());
        received.poll(10, TimeUnit.SECONDS).delete();

        assertThat(everyStep.matching("INFO Sending big.bin (5.2 MB) to bob@127.0.0.1: accepted, flow B, MSN_SECURE_FTP, cookie "))
                .hasSize(1);
        List<String> steps = everyStep.matching("INFO Sending big.bin to bob@127.0.0.1: ");
        assertThat(steps).as("verbose: a line per step").hasSizeGreaterThan(SIZE / (128 * 1024));
        assertThat(steps.get(steps.size() - 1)).matches(
                "INFO Sending big.bin to bob@127.0.0.1: 5\\.2 MB of 5\\.2 MB \\(100%\\), [0-9.]+ [kMG]?B/s, 0 ms left");
        assertThat(steps).anyMatch(line -> line.matches(".*: [0-9.]+ [kM]?B of 5\\.2 MB \\([0-9]{1,2}%\\), [0-9.]+ [kMG]?B/s, "
                                                        + "[0-9.]+ m?s left"));

        assertThat(hourly.matching("DEBUG Receiving big.bin (5.2 MB) from alice@corp.example: accepted")).hasSize(1);
        assertThat(hourly.matching("DEBUG Receiving big.bin from")).as("one line per hour at most: none").isEmpty();
    }
}
