package dev.camelmsnftp.transfer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The negotiation layer between two real SIP agents on loopback, without Camel. */
class TransferManagerTest {

    @TempDir
    Path dir;
    private ManagersOnLoopback managers;
    private SipAgent aliceAgent;
    private SipAgent bobAgent;
    private TransferManager alice;
    private TransferManager bob;
    private ExecutorService transfers;
    private final BlockingQueue<ReceivedFile> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<TransferException> failures = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        managers = new ManagersOnLoopback();
        aliceAgent = managers.aliceAgent;
        bobAgent = managers.bobAgent;
        alice = managers.alice;
        bob = managers.bob;
        transfers = managers.threads;
    }

    @AfterEach
    void stop() throws Exception {
        managers.stop(() -> {
            try (Stream<Path> left = Files.list(dir.resolve("inbox-work"))) {
                assertThat(left).as("no temporary file left in the work directory").isEmpty();
            } catch (NoSuchFileException none) {
                // nothing was ever received
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private String bobAddress() {
        return "sip:bob@127.0.0.1:" + bobAgent.localPort();
    }

    private TransferSettings.Builder settings(String user) {
        return TransferSettings.builder(user).ftpHost("127.0.0.1").workDir(dir.resolve("inbox-work"))
                .acceptTimeout(Duration.ofSeconds(5)).transferTimeout(Duration.ofSeconds(5));
    }

    /** Bob receives with these settings; files are checked and deleted by the test. */
    private void bobReceives(TransferSettings.Builder settings, String from) {
        TransferSettings built = settings.build();
        bob.addInboundHandler(new TestHandler(from, built).onFile(received::add).onFailure(failures::add));
    }

    private Path file(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    static Stream<Arguments> flows() {
        List<Arguments> cases = new ArrayList<>();
        for (Flow flow : Flow.values()) {
            for (EncryptionPolicy encryption : new EncryptionPolicy[] { EncryptionPolicy.DISABLED, EncryptionPolicy.AUTO }) {
                for (SipMode mode : SipMode.values()) {
                    cases.add(Arguments.of(flow, encryption, mode));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Each received file arms a give-up for the SIP answer to its ACCEPT, cancelled as soon as the answer comes: the
     * timer keeps none of them (nor the transfer each holds) once the files are in.
     */
    @Test
    void noTimerTaskOutlivesTheTransfersItWasFor() throws Exception {
        bobReceives(settings("bob@corp.example").alwaysListen(true), "*");
        for (int i = 0; i < 10; i++) {
            alice.send(bobAddress(), FileSource.of(new byte[100], "small-" + i + ".bin"), settings("alice@corp.example")
                    .build());
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(received).hasSize(10));
        for (ReceivedFile file : received) {
            Files.delete(file.path());
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(bob.scheduledTasks()).isZero());
    }

    @ParameterizedTest(name = "flow {0}, encryption {1}, {2}")
    @MethodSource("flows")
    void fileArrivesIntactInEveryFlow(Flow flow, EncryptionPolicy encryption, SipMode mode) throws Exception {
        bobReceives(settings("bob@corp.example").encryption(encryption).alwaysListen(flow == Flow.C), "*");
        Path source = file("report 1.pdf", 300_001);
        TransferResult result = alice.send(bobAddress(), FileSource.of(source, "Résumé 1.pdf"),
                settings("alice@corp.example").encryption(encryption).connectivity(flow != Flow.B).sipMode(mode).build());

        assertThat(result.flow()).isEqualTo(flow);
        assertThat(result.encrypted()).isEqualTo(encryption == EncryptionPolicy.AUTO);
        assertThat(result.bytes()).isEqualTo(300_001);
        assertThat(result.byeCode()).isEqualTo(16777989L);
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file).isNotNull();
        try {
            assertThat(Sha256.of(file.path())).isEqualTo(Sha256.of(source));
            assertThat(file.cookie()).isEqualTo(result.cookie());
            assertThat(file.flow()).isEqualTo(flow);
            assertThat(file.encrypted()).isEqualTo(result.encrypted());
            assertThat(file.offeredName()).isEqualTo("Résumé 1.pdf");
            assertThat(file.sender().addressOfRecord()).isEqualTo("alice@corp.example");
        } finally {
            file.delete();
        }
    }

    /**
     * A late copy of a File Transfer INVITE (a proxy retrying, as a new transaction, a MESSAGE whose answer it missed)
     * that comes after the transfer ended is not a new offer: it is answered 200 and nothing starts. Taken as new, it got
     * a second ACCEPT the sender ignored and held a slot and a temporary file until the accept time-out.
     */
    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndModes")
    void aLateCopyOfAnInviteAfterItsTransferEndedStartsNothing(Flow flow, SipMode mode) throws Exception {
        bobReceives(settings("bob@corp.example").alwaysListen(flow == Flow.C), "*");
        Path source = file("late.bin", 5_000);
        TransferResult result = alice.send(bobAddress(), FileSource.of(source, "late.bin"),
                settings("alice@corp.example").connectivity(flow != Flow.B).sipMode(mode).build());
        assertThat(result.flow()).isEqualTo(flow);
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file).isNotNull();
        file.delete();
        await("bob's transfer ended").atMost(Duration.ofSeconds(5)).until(() -> bob.activeTransfers() == 0);

        Invitation.Builder copy = Invitation.invite(result.cookie(), "late.bin", 5_000);
        if (flow == Flow.B) {
            copy.connectivityN();
        }
        assertThat(aliceAgent.sendMessage(bobAddress(), TransferManager.CONTENT_TYPE,
                InvitationCodec.formatBytes(copy.build()), mode).get(5, TimeUnit.SECONDS).status()).isEqualTo(200);

        assertThat(bob.activeTransfers()).as("no transfer started for the copy").isZero();
        assertThat(bob.transfers()).isEmpty();
    }

    /**
     * The source fails to close after the receiver has the whole file and said so: the transfer still succeeds (the
     * failure is only logged). Reported as "cannot read the file to send", it failed a transfer the receiver had
     * completed, sent CANCEL FAIL after the success BYE, and a redelivery would have sent the file twice.
     */
    @ParameterizedTest(name = "flow {0}")
    @EnumSource(Flow.class)
    void aSourceThatFailsToCloseAfterASuccessfulSessionDoesNotFailTheTransfer(Flow flow) throws Exception {
        bobReceives(settings("bob@corp.example").alwaysListen(flow == Flow.C), "*");
        byte[] content = new byte[20_000];
        new Random(11).nextBytes(content);
        CountDownLatch closed = new CountDownLatch(1);
        FileSource source = FileSource.of("close-fails.bin", content.length, () -> new ByteArrayInputStream(content) {
            @Override
            public void close() throws IOException {
                closed.countDown();
                throw new IOException("the disk went away on close");
            }
        });

        TransferResult result = alice.send(bobAddress(), source,
                settings("alice@corp.example").connectivity(flow != Flow.B).build());

        assertThat(closed.getCount()).as("the source was closed").isZero();
        assertThat(result.flow()).isEqualTo(flow);
        assertThat(result.bytes()).isEqualTo(content.length);
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file).isNotNull();
        try {
            assertThat(Files.readAllBytes(file.path())).isEqualTo(content);
        } finally {
            file.delete();
        }
        assertThat(failures).isEmpty();
    }

    static Stream<Arguments> flowsAndModes() {
        return Stream.of(Flow.values()).flatMap(flow -> Stream.of(SipMode.values()).map(mode -> Arguments.of(flow, mode)));
    }

    @Test
    void emptyFileArrives() throws Exception {
        bobReceives(settings("bob@corp.example"), "*");
        TransferResult result = alice.send(bobAddress(), FileSource.of(new byte[0], "empty.txt"),
                settings("alice@corp.example").build());
        assertThat(result.bytes()).isZero();
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(Files.size(file.path())).isZero();
        file.delete();
    }

    @Test
    void unsafeNamesAreReducedButKept() throws Exception {
        bobReceives(settings("bob@corp.example"), "*");
        alice.send(bobAddress(), FileSource.of("x".getBytes(StandardCharsets.UTF_8), "../../etc/passwd"),
                settings("alice@corp.example").build());
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file.fileName()).isEqualTo("passwd");
        assertThat(file.offeredName()).isEqualTo("../../etc/passwd");
        assertThat(file.path().getParent()).isEqualTo(dir.resolve("inbox-work"));
        file.delete();
    }

    @Test
    void aFileOverMaxFileSizeIsDeclinedWithReject() throws Exception {
        bobReceives(settings("bob@corp.example").maxFileSize(100), "*");
        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[101], "big.bin"),
                settings("alice@corp.example").build()))
                .isInstanceOfSatisfying(TransferRejectedException.class, e -> {
                    assertThat(e.cancelCode()).contains("REJECT");
                    assertThat(e.phase()).isEqualTo(TransferException.Phase.ANSWER);
                });
        assertThat(received).isEmpty();
    }

    @Test
    void anOfferLargerThanTheUsableSpaceLessTheReserveIsDeclinedWithReject() throws Exception {
        bob.space().probe(workDir -> 1_000_000);
        bobReceives(settings("bob@corp.example").freeSpaceReserve(100_000), "*");

        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[900_001], "too-big.bin"),
                settings("alice@corp.example").build()))
                .isInstanceOfSatisfying(TransferRejectedException.class, e -> {
                    assertThat(e.cancelCode()).contains("REJECT");
                    assertThat(e.phase()).isEqualTo(TransferException.Phase.ANSWER);
                });
        alice.send(bobAddress(), FileSource.of(new byte[900_000], "fits.bin"), settings("alice@corp.example").build());
        received.poll(10, TimeUnit.SECONDS).delete();
    }

    /** Two files that each fit but not together: the second is declined while the first is still coming. */
    @Test
    void whatTransfersUnderWayStillHaveToWriteCountAgainstTheSpace() throws Exception {
        bob.space().probe(workDir -> 1_000_000);
        bobReceives(settings("bob@corp.example").freeSpaceReserve(0).transferTimeout(Duration.ofSeconds(20)), "*");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FileSource stalling = FileSource.of("first.bin", 600_000, () -> new java.io.InputStream() {
            private int served;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (served >= 100_000) {
                    try {
                        if (!release.await(20, TimeUnit.SECONDS)) {
                            throw new java.io.IOException("never released");
                        }
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                int n = Math.min(len, 600_000 - served);
                served += n;
                return n == 0 ? -1 : n;
            }
        });
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return alice.send(bobAddress(), stalling, settings("alice@corp.example").build());
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, transfers);
        org.awaitility.Awaitility.await("the first file is under way").atMost(Duration.ofSeconds(10))
                .until(() -> bob.space().committed(dir.resolve("inbox-work")) > 0
                             && bob.space().committed(dir.resolve("inbox-work")) < 600_000);

        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[500_000], "second.bin"),
                settings("alice@corp.example").build()))
                .isInstanceOfSatisfying(TransferRejectedException.class, e -> assertThat(e.cancelCode()).contains("REJECT"));

        release.countDown();
        assertThat(first.get(20, TimeUnit.SECONDS).bytes()).isEqualTo(600_000);
        received.poll(10, TimeUnit.SECONDS).delete();
        assertThat(bob.space().committed(dir.resolve("inbox-work"))).as("released when done").isZero();
        alice.send(bobAddress(), FileSource.of(new byte[500_000], "second.bin"), settings("alice@corp.example").build());
        received.poll(10, TimeUnit.SECONDS).delete();
    }

    @Test
    void aSenderNobodyReceivesFromIsDeclined() throws Exception {
        bobReceives(settings("bob@corp.example"), "carol@corp.example");
        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[1], "a.bin"),
                settings("alice@corp.example").build()))
                .isInstanceOfSatisfying(TransferRejectedException.class, e -> assertThat(e.cancelCode()).contains("REJECT"));
    }

    @Test
    void encryptionRequiredMeetsDisabledAndNothingIsSentInClear() throws Exception {
        bobReceives(settings("bob@corp.example").encryption(EncryptionPolicy.DISABLED), "*");
        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[1], "a.bin"),
                settings("alice@corp.example").encryption(EncryptionPolicy.REQUIRED).build()))
                .isInstanceOf(TransferRejectedException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void anUnansweredInviteTimesOutAndIsCancelled() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        bobAgent.addMessageListener("text/x-msmsgsinvite", (IncomingMessage message) -> {
            seen.add(new String(message.body(), StandardCharsets.UTF_8));
            return 200;
        });
        assertThatThrownBy(() -> alice.send(bobAddress(), FileSource.of(new byte[1], "a.bin"),
                settings("alice@corp.example").acceptTimeout(Duration.ofMillis(700)).build()))
                .isInstanceOfSatisfying(TransferTimeoutException.class,
                        e -> assertThat(e.phase()).isEqualTo(TransferException.Phase.ANSWER));
        assertThat(InvitationCodec.parse(seen.poll(5, TimeUnit.SECONDS)).command().name()).isEqualTo("INVITE");
        var cancel = InvitationCodec.parse(seen.poll(5, TimeUnit.SECONDS));
        assertThat(cancel.command().name()).isEqualTo("CANCEL");
        assertThat(cancel.cancelCode().orElseThrow().value()).isEqualTo("TIMEOUT");
    }

    /**
     * An ACCEPT for a cookie nobody here offered is ignored. Out of dialog it is answered 481, so that a proxy forking it
     * to several instances of one address goes on to the one that holds the cookie; in an IM session 200, since a 481
     * there would end the session.
     */
    @ParameterizedTest
    @EnumSource(SipMode.class)
    void anAcceptForAnUnknownCookieIsIgnored(SipMode mode) throws Exception {
        bobReceives(settings("bob@corp.example"), "*");
        // alice receives too: an agent that neither receives nor sends refuses IM sessions (480)
        TransferSettings aliceSettings = settings("alice@corp.example").workDir(dir.resolve("alice-work")).build();
        alice.addInboundHandler(new TestHandler("*", aliceSettings));
        var answer = bobAgent.sendMessage("sip:alice@127.0.0.1:" + aliceAgent.localPort(), TransferManager.CONTENT_TYPE,
                "Invitation-Command: ACCEPT\r\nInvitation-Cookie: 12345\r\n".getBytes(StandardCharsets.UTF_8), mode);
        if (mode == SipMode.SESSION) {
            assertThat(answer.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        } else {
            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(SipAgentException.class,
                            e -> assertThat(e.status()).hasValue(481));
        }
        assertThat(alice.activeTransfers()).isZero();
    }

    /**
     * An ACCEPT is handled on the SIP thread that received it (it only hands the answer to the transfer that waits for
     * it), so it is answered even while the agent's executor is busy; an INVITE or CANCEL, whose handling may call user
     * code, waits for the executor. Here carol's executor is held by another task: bob's ACCEPT for a cookie she does
     * not hold is answered 481 at once, his CANCEL only once the executor is free.
     */
    @Test
    void anAcceptIsAnsweredWhileTheExecutorIsBusyACancelWaitsForIt() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try (SipAgent carolAgent = SipAgent.start(SipAgentConfig.builder("carol@corp.example").sipHost("127.0.0.1")
                .sipPort(0).listenerExecutor(executor).build());
                TransferManager carol = new TransferManager(carolAgent, transfers)) {
            CountDownLatch held = new CountDownLatch(1);
            executor.execute(() -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            String to = "sip:carol@127.0.0.1:" + carolAgent.localPort();

            var cancel = bobAgent.sendMessage(to, TransferManager.CONTENT_TYPE,
                    "Invitation-Command: CANCEL\r\nInvitation-Cookie: 12345\r\nCancel-Code: REJECT\r\n"
                            .getBytes(StandardCharsets.UTF_8), SipMode.PAGER);
            var accept = bobAgent.sendMessage(to, TransferManager.CONTENT_TYPE,
                    "Invitation-Command: ACCEPT\r\nInvitation-Cookie: 12346\r\n".getBytes(StandardCharsets.UTF_8),
                    SipMode.PAGER);

            assertThatThrownBy(() -> accept.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(SipAgentException.class, e -> assertThat(e.status()).hasValue(481));
            assertThat(cancel).as("the CANCEL waits for the executor").isNotDone();
            release.countDown();
            assertThatThrownBy(() -> cancel.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(SipAgentException.class, e -> assertThat(e.status()).hasValue(481));
        } finally {
            release.countDown();
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Several instances of one receiver: once the sender took one instance's answer, a message about that cookie from
     * another instance of the same address (another contact) is answered 481 and changes nothing. Here a second bob
     * sends CANCEL while the transfer with the first waits for the file to be opened.
     */
    @Test
    void aCancelFromAnotherInstanceOfTheReceiverIsTurnedDownAndTheTransferGoesOn() throws Exception {
        bobReceives(settings("bob@corp.example").acceptTimeout(Duration.ofSeconds(20)), "*");
        byte[] content = new byte[50_000];
        new Random(7).nextBytes(content);
        CountDownLatch forged = new CountDownLatch(1);
        FileSource held = FileSource.of("held.bin", content.length, () -> {
            try {
                forged.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            return new ByteArrayInputStream(content);
        });
        var sending = transfers.submit(() -> alice.send(bobAddress(), held,
                settings("alice@corp.example").acceptTimeout(Duration.ofSeconds(20)).sipMode(SipMode.PAGER).build()));
        try (SipAgent otherBob = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1").sipPort(0)
                .build())) {
            // bob accepted once his temporary file (named after the cookie) exists; the sender now waits for the bytes
            Path work = dir.resolve("inbox-work");
            String cookie = await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Stream<Path> files = Files.list(work)) {
                    return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("msnftp-"))
                            .map(name -> name.split("-")[1]).findFirst().orElse(null);
                } catch (NoSuchFileException notYet) {
                    return null;
                }
            }, Objects::nonNull);
            var answer = otherBob.sendMessage("sip:alice@127.0.0.1:" + aliceAgent.localPort(), TransferManager.CONTENT_TYPE,
                    ("Invitation-Command: CANCEL\r\nInvitation-Cookie: " + cookie + "\r\nCancel-Code: FTTIMEOUT\r\n")
                            .getBytes(StandardCharsets.UTF_8), SipMode.PAGER);
            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(SipAgentException.class,
                            e -> assertThat(e.status()).hasValue(481));
        } finally {
            forged.countDown();
        }
        assertThat(sending.get(20, TimeUnit.SECONDS).bytes()).isEqualTo(content.length);
        ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
        assertThat(file).isNotNull();
        try {
            assertThat(Files.readAllBytes(file.path())).isEqualTo(content);
        } finally {
            file.delete();
        }
    }
    /**
     * A receiver removed while an offer for it is being decided: the offer chose the handler just before the removal and
     * is accepted by it just after. It is declined with CANCEL FAIL, never run (no ACCEPT, no port, no file) for a
     * consumer that stopped and gave back its work directory; and the removed handler's transfer slots are gone, not
     * kept while the manager lives.
     */
    @Test
    void anOfferRacingTheRemovalOfItsReceiverIsDeclinedAndTheSlotsAreGone() throws Exception {
        CountDownLatch deciding = new CountDownLatch(1);
        CountDownLatch removed = new CountDownLatch(1);
        CountDownLatch notReceived = new CountDownLatch(1);
        TransferSettings built = settings("bob@corp.example").build();
        InboundHandler handler = new TestHandler("*", built) {
            @Override
            public OfferDecision decide(Offer offer) {
                deciding.countDown();
                try {
                    assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return OfferDecision.accept();
            }

            @Override
            public void onFile(ReceivedFile file) {
                received.add(file);
            }

            @Override
            public void onNotReceived(Offer offer) {
                notReceived.countDown();
            }
        };
        bob.addInboundHandler(handler);
        assertThat(bob.hasSlots(handler)).isTrue();
        try (SipAgent dave = SipAgent.start(SipAgentConfig.builder("dave@corp.example").sipHost("127.0.0.1").sipPort(0)
                .build())) {
            BlockingQueue<String> daveGot = new LinkedBlockingQueue<>();
            dave.addMessageListener(TransferManager.MEDIA_TYPE, (IncomingMessage message) -> {
                daveGot.add(new String(message.body(), StandardCharsets.UTF_8));
                return 200;
            });
            long cookie = 4_242_424;
            var offered = dave.sendMessage(bobAddress(), TransferManager.CONTENT_TYPE, InvitationCodec.formatBytes(
                    Invitation.invite(cookie, "late.bin", 1000).connectivityN().build()), SipMode.PAGER);
            assertThat(deciding.await(5, TimeUnit.SECONDS)).as("the offer chose the handler").isTrue();

            bob.removeInboundHandler(handler);
            removed.countDown();
            offered.get(5, TimeUnit.SECONDS);

            Invitation answer = InvitationCodec.parse(daveGot.poll(5, TimeUnit.SECONDS));
            assertThat(answer.cookie()).isEqualTo(cookie);
            assertThat(answer.command()).as("declined, not answered with a listening ACCEPT")
                    .isEqualTo(dev.camelmsnftp.invite.InvitationCommand.CANCEL);
            assertThat(answer.cancelCode()).contains(dev.camelmsnftp.invite.CancelCode.FAIL);
            assertThat(notReceived.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(bob.activeTransfers()).isZero();
            assertThat(bob.transfers()).isEmpty();
            assertThat(bob.hasSlots(handler)).as("the removed handler's slots are not kept").isFalse();
        }
    }

    /**
     * A peer that refuses our CANCELs, offer after offer, is logged as the peer's doing: at most PeerLog's share of
     * WARN lines, the rest at DEBUG (each failed reply was a WARN of its own).
     */
    @Test
    void refusedAnswersToDeclinedOffersDoNotFloodTheLog() throws Exception {
        bobReceives(settings("bob@corp.example"), "alice@corp.example");
        try (SipAgent dave = SipAgent.start(SipAgentConfig.builder("dave@corp.example").sipHost("127.0.0.1").sipPort(0)
                .build())) {
            dave.addMessageListener(TransferManager.MEDIA_TYPE, (IncomingMessage message) -> 403);
            PrintStream original = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                for (long cookie = 1; cookie <= 30; cookie++) {
                    dave.sendMessage(bobAddress(), TransferManager.CONTENT_TYPE, InvitationCodec.formatBytes(
                            Invitation.invite(cookie, "refused.bin", 10).build()), SipMode.PAGER).get(5, TimeUnit.SECONDS);
                }
                await("every CANCEL refused").atMost(Duration.ofSeconds(20))
                        .until(() -> lines(captured, "Could not send CANCEL").size() == 30);
            } finally {
                System.setErr(original);
            }
            List<String> warned = lines(captured, "Could not send CANCEL").stream().filter(line -> line.contains("WARN"))
                    .toList();
            assertThat(warned).as("refused CANCELs logged at WARN").isNotEmpty().hasSizeLessThanOrEqualTo(10);
        }
    }

    private static List<String> lines(ByteArrayOutputStream captured, String containing) {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(containing)).toList();
    }
}
