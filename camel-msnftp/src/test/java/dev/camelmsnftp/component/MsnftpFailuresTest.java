package dev.camelmsnftp.component;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.protocol.MsnftpSender;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.SentBlocks;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferCancelledException;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rejections and failures, each in every flow and dialect (and both SIP modes where invitations travel after the
 * INVITE): the same exception type and phase on every row, the codes the peer saw on the wire, nothing delivered and
 * nothing left behind.
 */
class MsnftpFailuresTest extends MsnftpTestSupport {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob answers flows A and B, carol always offers to listen (flow C)
                from(bobReceives("*", "maxFileSize=1000000&exceptionHandler=#failures")).routeId("bob")
                        .process(checksum()).to("mock:received");
                from(carolReceives("alwaysListen=true&maxFileSize=1000000&exceptionHandler=#failures")).routeId("carol")
                        .process(checksum()).to("mock:received");
            }
        };
    }

    private Exchange sendTo(String uri, Object body, String name) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aFileOverMaxFileSizeIsRejectedWithItsCancelCode(Flow flow, Dialect dialect, SipMode mode) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);

        Exchange sent = sendTo(alice(receiverFor(flow), sending(flow, dialect, mode)), new byte[1_000_001], "big.bin");

        assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class, e -> {
            assertThat(e.cancelCode()).as("the code on the wire").contains("REJECT");
            assertThat(e.phase()).isEqualTo(Phase.ANSWER);
            assertThat(e.getMessage()).contains("REJECT");
        });
        assertThat(sent.getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo("REJECT");
        assertThat(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class)).isPositive();
        received.assertIsSatisfied();
        assertThat(consumerFailures).as("a declined offer is not a consumer failure").isEmpty();
    }

    /**
     * No flow is chosen when nobody answers: the two INVITEs there are (without and with Connectivity: N), in both SIP
     * modes (the CANCEL TIMEOUT travels in each). The dialect changes only one field of the INVITE and nothing after
     * it, so the four rows pair it off (each dialect once per INVITE and once per mode) instead of doubling them.
     */
    static Stream<Arguments> invitesDialectsAndModes() {
        return Stream.of(Arguments.of(Flow.A, Dialect.MSNFTP, SipMode.SESSION),
                Arguments.of(Flow.A, Dialect.MSN_SECURE_FTP, SipMode.PAGER),
                Arguments.of(Flow.B, Dialect.MSN_SECURE_FTP, SipMode.SESSION),
                Arguments.of(Flow.B, Dialect.MSNFTP, SipMode.PAGER));
    }

    @ParameterizedTest(name = "INVITE of flow {0}, {1}, {2}")
    @MethodSource("invitesDialectsAndModes")
    void aReceiverThatNeverAnswersTimesOutAndGetsCancelTimeout(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        try (ScriptedPeer silent = new ScriptedPeer("dave")) {
            Exchange sent = sendTo(alice(silent.address(), sending(flow, dialect, mode) + "&acceptTimeout=1s"), "hello",
                    "a.txt");

            assertThat(sent.getException()).isInstanceOfSatisfying(TransferTimeoutException.class,
                    e -> assertThat(e.phase()).isEqualTo(Phase.ANSWER));
            Invitation invite = silent.next(Duration.ofSeconds(5)).invitation();
            assertThat(invite.command()).isEqualTo(InvitationCommand.INVITE);
            assertThat(invite.inviterCannotListen()).isEqualTo(flow == Flow.B);
            Invitation cancel = silent.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.cookie()).isEqualTo(invite.cookie());
            assertThat(cancel.cancelCode()).contains(CancelCode.TIMEOUT);
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aReceiverThatCancelsMidTransferWithCclFailsTheProducer(Flow flow, Dialect dialect) throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> sendTo(
                    alice(erin.address(), sending(flow, dialect, SipMode.SESSION)), new byte[8 * 1024 * 1024], "big.bin"));
            try (ScriptedPeer.Wire wire = erin.receive(erin.next(Duration.ofSeconds(5)), flow, dialect)) {
                wire.read(3 * 2048);
                wire.line("CCL");
                assertThat(producer.get(15, TimeUnit.SECONDS).getException())
                        .isInstanceOfSatisfying(TransferCancelledException.class, e -> {
                            assertThat(e.byPeer()).isTrue();
                            assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                        });
            }
            assertThat(erin.quietFor(Duration.ofMillis(300))).as("no CANCEL: erin ended it herself").isEmpty();
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aReceiverThatCancelsOverSipMidTransferFailsTheProducer(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> sendTo(
                    alice(erin.address(), sending(flow, dialect, mode)), new byte[8 * 1024 * 1024], "big.bin"));
            ScriptedPeer.Received invite = erin.next(Duration.ofSeconds(5));
            try (ScriptedPeer.Wire wire = erin.receive(invite, flow, dialect)) {
                wire.read(3 * 2048);
                invite.reply(Invitation.cancel(invite.invitation().cookie(), CancelCode.OUTBANDCANCEL).build());
                assertThat(producer.get(15, TimeUnit.SECONDS).getException())
                        .isInstanceOfSatisfying(TransferCancelledException.class, e -> {
                            assertThat(e.byPeer()).isTrue();
                            assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                            assertThat(e.getMessage()).contains("OUTBANDCANCEL");
                            assertThat(e.cancelCode()).contains("OUTBANDCANCEL");
                        });
                assertThat(producer.get().getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo("OUTBANDCANCEL");
                assertThat(wire.blocksUntilEnd()).as("what alice wrote after the CANCEL").isEqualTo(SentBlocks.ABORTED);
            }
            assertThat(erin.quietFor(Duration.ofMillis(300))).as("no CANCEL back: erin cancelled").isEmpty();
        }
    }

    /**
     * A receiver that accepts and then cancels over SIP before a byte of the file moved (as an MSN client whose
     * connection attempt failed says CANCEL FTTIMEOUT): in flow A alice is still waiting for its connection, in flows B
     * and C she is connected and waiting for its VER. Its Cancel-Code reaches the exchange as it does for a decline.
     */
    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aReceiverThatCancelsOverSipAfterAcceptingGivesTheProducerItsCancelCode(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin"); ServerSocket listener = ScriptedPeer.listen()) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> sendTo(
                    alice(erin.address(), sending(flow, dialect, mode)), new byte[100_000], "a.bin"));
            ScriptedPeer.Received invite = erin.next(Duration.ofSeconds(5));
            long cookie = invite.invitation().cookie();
            Invitation.Builder accept = flow == Flow.A ? Invitation.accept(cookie)
                    : Invitation.listeningAccept(cookie, "127.0.0.1", listener.getLocalPort(), 4242).senderConnect();
            if (dialect.encrypted()) {
                accept.keys(TransferKeys.random());
            }
            invite.reply(accept.build());
            Socket connected = null;
            try {
                if (flow == Flow.A) {
                    assertThat(erin.next(Duration.ofSeconds(5)).invitation().offersToListen())
                            .as("alice listens and waits for erin's connection").isTrue();
                } else {
                    connected = listener.accept();
                }
                invite.reply(Invitation.cancel(cookie, CancelCode.FTTIMEOUT).build());

                Exchange sent = producer.get(15, TimeUnit.SECONDS);
                assertThat(sent.getException()).isInstanceOfSatisfying(TransferCancelledException.class, e -> {
                    assertThat(e.byPeer()).isTrue();
                    assertThat(e.cancelCode()).contains("FTTIMEOUT");
                    if (flow == Flow.A) {
                        assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
                    }
                });
                assertThat(sent.getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo("FTTIMEOUT");
                assertThat(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class)).isEqualTo(cookie);
            } finally {
                if (connected != null) {
                    connected.close();
                }
            }
            assertThat(erin.quietFor(Duration.ofMillis(300))).as("no CANCEL back: erin cancelled").isEmpty();
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aSenderThatVanishesMidTransferProducesNoExchangeAndLeavesNoFile(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);
        try (ScriptedPeer frank = new ScriptedPeer("frank");
             ScriptedPeer.Wire wire = frank.offer(receiverFor(flow), flow, dialect, "half.bin", 100_000, mode)) {
            wire.write(ScriptedPeer.Wire.dataBlock(2045));
            wire.reset();

            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(TransferConnectionLostException.class,
                            e -> assertThat(e.phase()).isEqualTo(Phase.TRANSFER));
            Invitation cancel = frank.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.cookie()).isEqualTo(wire.cookie);
            assertThat(cancel.cancelCode()).as("what frank is told over SIP").contains(CancelCode.FTTIMEOUT);
        }
        await("the partial file is removed").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(receiverWorkDir(flow)));
        received.assertIsSatisfied();
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aSenderThatAbortsWithTheAbortBlockProducesNoExchange(Flow flow, Dialect dialect) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);
        try (ScriptedPeer frank = new ScriptedPeer("frank");
             ScriptedPeer.Wire wire = frank.offer(receiverFor(flow), flow, dialect, "half.bin", 100_000, SipMode.SESSION)) {
            wire.write(ScriptedPeer.Wire.dataBlock(2045));
            wire.write(new byte[] { 1, 0, 0 });

            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(TransferCancelledException.class, e -> {
                        assertThat(e.byPeer()).isTrue();
                        assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                    });
            assertThat(wire.in.read()).as("the receiver hangs up without a word").isEqualTo(-1);
            assertThat(frank.quietFor(Duration.ofMillis(300))).as("no CANCEL: frank ended it himself").isEmpty();
        }
        await("the partial file is removed").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(receiverWorkDir(flow)));
        received.assertIsSatisfied();
    }

    /**
     * Not a failure: aMSN receives an empty file with TFR and never says BYE. The producer reports it sent, without a
     * BYE code, in seconds rather than after its 30 s time-out.
     */
    @ParameterizedTest(name = "flow {0}")
    @EnumSource(Flow.class)
    void anEmptyFileToAReceiverThatNeverSaysByeIsSentWithoutWaitingForIt(Flow flow) throws Exception {
        try (ScriptedPeer amsn = new ScriptedPeer("amsn")) {
            long start = System.nanoTime();
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> sendTo(
                    alice(amsn.address(), sending(flow, Dialect.MSNFTP, SipMode.SESSION) + "&transferTimeout=30s"),
                    new byte[0], "empty.txt"));
            try (ScriptedPeer.Wire wire = amsn.receive(amsn.next(Duration.ofSeconds(5)), flow, Dialect.MSNFTP)) {
                Exchange sent = producer.get(15, TimeUnit.SECONDS);

                assertThat(sent.getException()).isNull();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s time-out")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(sent.getIn().getHeader(MsnftpConstants.FILE_LENGTH, Long.class)).isZero();
                assertThat(sent.getIn().getHeaders()).as("no BYE came").doesNotContainKey(MsnftpConstants.BYE_CODE);
                assertThat(wire.in.read()).as("nothing after TFR, then alice hangs up").isEqualTo(-1);
            }
            assertThat(amsn.quietFor(Duration.ofMillis(300))).as("no CANCEL").isEmpty();
        }
    }

    @Test
    void anUnsafeOfferedNameIsDeliveredAsItsLeafWithTheOriginalKept() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        received.expectedHeaderReceived(Exchange.FILE_NAME, "passwd");
        received.expectedHeaderReceived(MsnftpConstants.ORIGINAL_FILE_NAME, "../../etc/passwd");
        byte[] content = "root:x:0:0\n".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedPeer sender = new ScriptedPeer("mallory"); ServerSocket unused = ScriptedPeer.listen()) {
            long cookie = Cookies.next();
            sender.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(cookie, "../../etc/passwd", content.length)
                    .connectivityN().build());
            Invitation accept = sender.next(Duration.ofSeconds(5)).invitation();
            java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), accept.port().getAsInt()));
            MsnftpSender.builder().peerUser("bob@corp.example").authCookie(accept.authCookie().getAsLong())
                    .source(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)), content.length)
                    .build().run(channel);
        }
        received.assertIsSatisfied(10_000);
        assertThat(List.copyOf(consumerFailures)).isEmpty();
    }
}
