package dev.camelmsnftp.component;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.SentBlocks;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferCancelledException;
import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferFailedException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults around a transfer: a work directory that cannot be written, a receiver out of disk, a route that fails after
 * the file arrived, a retried send, a peer that stalls or vanishes, and a CamelContext stopped in the middle of ten
 * transfers. Each ends in a clear failure on both sides and leaves nothing behind.
 */
class MsnftpFaultsTest extends MsnftpTestSupport {

    static final int DAVE_PORT = FreePorts.udpAndTcp();
    static final int DANA_PORT = FreePorts.udpAndTcp();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob (flows A and B) and carol (alwaysListen: flow C): stalls are noticed after 1 s; a file named
                // "fail*" makes the route fail after it arrived
                from(bobReceives("*", "transferTimeout=1s&exceptionHandler=#failures")).routeId("bob")
                        .choice().when(header(Exchange.FILE_NAME).startsWith("fail"))
                        .throwException(new IllegalStateException("the route failed after the file arrived"))
                        .end()
                        .to("mock:received");
                from(carolReceives("alwaysListen=true&transferTimeout=1s&exceptionHandler=#failures")).routeId("carol")
                        .to("mock:received");
                // files from rita go to routes of their own, on the same SIP agents
                from(bobReceives("rita@corp.example", "transferTimeout=30s&exceptionHandler=#failures"))
                        .routeId("bob-rita").to("mock:fromRita");
                from(uri("rita@corp.example", "carol", CAROL_PORT,
                        "alwaysListen=true&transferTimeout=30s&exceptionHandler=#failures"))
                        .routeId("carol-rita").to("mock:fromRita");
                // dave (flows A and B) and dana (flow C) cannot write their work directory: its parent is a file
                from(uri("*", "dave", DAVE_PORT, "exceptionHandler=#failures&workDir=" + work.resolve("a-file/work")))
                        .to("mock:dave");
                from(uri("*", "dana", DANA_PORT, "alwaysListen=true&exceptionHandler=#failures&workDir="
                                                 + work.resolve("a-file/work"))).to("mock:dave");
                // a sender that retries twice
                from("direct:retrying").errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0))
                        .toD("${header.target}");
            }
        };
    }

    /** Dave's and Dana's work directory cannot be made: its parent is a file, from before their routes start. */
    @BeforeAll
    static void makeDavesWorkDirectoryImpossible() throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("a-file"), "not a directory");
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void anUnwritableWorkDirectoryDeclinesWithFailOnBothSides(Flow flow, Dialect dialect, SipMode mode) throws Exception {
        getMockEndpoint("mock:dave").expectedMessageCount(0);
        String target = flow == Flow.C ? "sip:dana@127.0.0.1:" + DANA_PORT : "sip:dave@127.0.0.1:" + DAVE_PORT;

        Exchange sent = template.send(alice(target, sending(flow, dialect, mode)),
                exchange -> exchange.getIn().setBody("cannot be stored"));

        assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class, e -> {
            assertThat(e.cancelCode()).as("the code on the wire").contains("FAIL");
            assertThat(e.phase()).isEqualTo(Phase.ANSWER);
        });
        assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferFailedException.class, e -> {
            assertThat(e.getMessage()).contains("Cannot write the received file");
            assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
        });
        MockEndpoint.assertIsSatisfied(context);
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aReceiverOutOfDiskIsReportedWithItsByeCode(Flow flow, Dialect dialect) throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(erin.address(), sending(flow, dialect, SipMode.SESSION)),
                    exchange -> exchange.getIn().setBody(new byte[100_000])));
            try (ScriptedPeer.Wire wire = erin.receive(erin.next(Duration.ofSeconds(5)), flow, dialect)) {
                wire.read(2048);
                wire.line("BYE 2147942405");
                Exchange sent = producer.get(15, TimeUnit.SECONDS);
                assertThat(sent.getException()).isInstanceOfSatisfying(TransferFailedException.class, e -> {
                    assertThat(e.byeCode()).hasValue(2147942405L);
                    assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                });
            }
            assertThat(erin.quietFor(Duration.ofMillis(300))).as("no CANCEL: erin ended it herself").isEmpty();
        }
    }

    @Test
    void aRouteThatFailsAfterTheFileArrivedFailsTheProducerAndKeepsTheFile() throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);

        Exchange sent = template.send(toBob(""), exchange -> {
            exchange.getIn().setBody(new byte[10_000]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, "fail-later.bin");
        });

        assertThat(sent.getException()).as("acknowledge=afterRoute: the sender is told")
                .isInstanceOfSatisfying(TransferFailedException.class, e -> assertThat(e.byeCode()).hasValue(2147500037L));
        assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).hasMessageContaining("the route failed");
        Path kept = bobWorkDir().resolve(".failed/fail-later.bin");
        assertThat(kept).as("kept in moveFailed, not deleted").hasSize(10_000);
        MockEndpoint.assertIsSatisfied(context);
        try (var failed = Files.list(kept.getParent())) {
            for (Path path : failed.toList()) {
                Files.delete(path);
            }
        }
        Files.delete(kept.getParent());
    }

    @Test
    void aRedeliveryIsANewTransferWithAFreshCookie() throws Exception {
        try (ScriptedPeer frank = new ScriptedPeer("frank"); ServerSocket listener = ScriptedPeer.listen()) {
            List<Long> cookies = new ArrayList<>();
            Thread receiving = new Thread(() -> {
                try {
                    ScriptedPeer.Received first = frank.next(Duration.ofSeconds(5));
                    cookies.add(first.invitation().cookie());
                    first.reply(Invitation.cancel(first.invitation().cookie(), CancelCode.FAIL).build());
                    ScriptedPeer.Received second = frank.next(Duration.ofSeconds(5));
                    cookies.add(second.invitation().cookie());
                    second.reply(Invitation.listeningAccept(second.invitation().cookie(), "127.0.0.1",
                            listener.getLocalPort(), 41).senderConnect().build());
                    try (ScriptedPeer.Wire wire = new ScriptedPeer.Wire(listener.accept())) {
                        wire.line("VER MSNFTP");
                        wire.readLine();
                        wire.line("USR frank@corp.example 41");
                        wire.readLine();
                        wire.line("TFR");
                        wire.readData(5);
                        wire.line("BYE 16777989");
                    }
                } catch (Exception e) {
                    consumerFailures.add(e);
                }
            });
            receiving.start();

            Exchange sent = template.send("direct:retrying", exchange -> {
                exchange.getIn().setBody("retry");
                exchange.getIn().setHeader("target", alice(frank.address(), ""));
            });
            receiving.join(10_000);

            assertThat(sent.getException()).isNull();
            assertThat(cookies).hasSize(2).doesNotHaveDuplicates();
            assertThat(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE)).isEqualTo(cookies.get(1));
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aSenderThatStallsMidTransferIsDroppedAfterTransferTimeout(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);
        try (ScriptedPeer sam = new ScriptedPeer("sam");
             ScriptedPeer.Wire wire = sam.offer(receiverFor(flow), flow, dialect, "stall.bin", 100_000, mode)) {
            wire.write(ScriptedPeer.Wire.dataBlock(2045));
            long start = System.nanoTime();
            // then nothing: the receiver gives up after transferTimeout (1 s), hangs up, and says why over SIP
            assertThat(wire.in.read()).as("the receiver hangs up").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(6));

            Invitation cancel = sam.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.cookie()).isEqualTo(wire.cookie);
            assertThat(cancel.cancelCode()).contains(CancelCode.FTTIMEOUT);
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferTimeoutException.class,
                    e -> assertThat(e.phase()).isEqualTo(Phase.TRANSFER));
            await("the partial file is deleted").atMost(Duration.ofSeconds(5))
                    .until(() -> isEmptyDir(receiverWorkDir(flow)));
        }
        MockEndpoint.assertIsSatisfied(context);
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void aReceiverThatVanishesMidTransferFailsTheProducerAtOnce(Flow flow, Dialect dialect, SipMode mode)
            throws Exception {
        try (ScriptedPeer gina = new ScriptedPeer("gina")) {
            long start = System.nanoTime();
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(gina.address(), sending(flow, dialect, mode) + "&transferTimeout=30s"),
                    exchange -> exchange.getIn().setBody(new byte[20_000_000])));
            ScriptedPeer.Wire wire = gina.receive(gina.next(Duration.ofSeconds(5)), flow, dialect);
            wire.read(4096);
            wire.reset();
            Exchange sent = producer.get(15, TimeUnit.SECONDS);

            assertThat(sent.getException()).isInstanceOfSatisfying(TransferConnectionLostException.class,
                    e -> assertThat(e.phase()).isEqualTo(Phase.TRANSFER));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s time-out")
                    .isLessThan(Duration.ofSeconds(10));
            Invitation cancel = gina.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.cancelCode()).as("what gina is told over SIP").contains(CancelCode.FTTIMEOUT);
            assertThat(isEmptyDir(work.resolve("alice"))).isTrue();
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void stoppingTheSendingContextCancelsWithTheAbortBlock(Flow flow, Dialect dialect) throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(erin.address(), sending(flow, dialect, SipMode.SESSION) + "&transferTimeout=30s"),
                    exchange -> exchange.getIn().setBody(new byte[50_000_000])));
            try (ScriptedPeer.Wire wire = erin.receive(erin.next(Duration.ofSeconds(5)), flow, dialect)) {
                assertThat(wire.read(3)).as("a first data block").containsExactly(0, 0xfd, 0x07);
                wire.read(2045);
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::stop);

                assertThat(wire.blocksUntilEnd()).as("what alice wrote from then on").isEqualTo(SentBlocks.ABORTED);
                stopping.get(15, TimeUnit.SECONDS);
            }
            assertThat(producer.get(5, TimeUnit.SECONDS).getException()).isInstanceOfSatisfying(
                    TransferCancelledException.class, e -> {
                        assertThat(e.byPeer()).isFalse();
                        assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                    });
            assertThat(erin.next(Duration.ofSeconds(5)).invitation().cancelCode()).as("and over SIP")
                    .contains(CancelCode.OUTBANDCANCEL);
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void stoppingOneRouteCancelsItsTransfersAndLeavesTheSharedAgentWorking(Flow flow, Dialect dialect) throws Exception {
        getMockEndpoint("mock:fromRita").expectedMessageCount(0);
        getMockEndpoint("mock:received").expectedMessageCount(1);
        try (ScriptedPeer rita = new ScriptedPeer("rita");
             ScriptedPeer.Wire wire = rita.offer(receiverFor(flow), flow, dialect, "long.bin", 10_000_000,
                     SipMode.SESSION)) {
            wire.write(ScriptedPeer.Wire.dataBlock(2045));

            context.getRouteController().stopRoute(flow == Flow.C ? "carol-rita" : "bob-rita", 10, TimeUnit.SECONDS);

            assertThat(wire.readLine()).as("rita is told on the connection").isEqualTo("CCL");
            Invitation cancel = rita.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.cancelCode()).as("and over SIP").contains(CancelCode.OUTBANDCANCEL);
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                    TransferCancelledException.class, e -> {
                        assertThat(e.byPeer()).isFalse();
                        assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                    });
            await("the partial file is deleted").atMost(Duration.ofSeconds(5))
                    .until(() -> isEmptyDir(receiverWorkDir(flow)));
        }
        assertThat(template.send(alice(receiverFor(flow), ""), exchange -> exchange.getIn().setBody("the other route"))
                .getException()).isNull();
        MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
    }

    /** Ten transfers under way, in every flow and both dialects, when erik's CamelContext stops. */
    @Test
    void stoppingTheContextInTheMiddleOfTenTransfersCancelsEachAndReleasesEverything() throws Exception {
        int erikPort = FreePorts.udpAndTcp();
        Path erikWork = work.resolve("erik");
        CamelContext erik = new DefaultCamelContext();
        erik.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // sam's offers in flows A and B; cleo's to a route that always listens (flow C)
                from(uri("*", "erik", erikPort, "workDir=" + erikWork + "&transferTimeout=30s")).to("mock:erik");
                from(uri("cleo@corp.example", "erik", erikPort, "workDir=" + erikWork
                                                                + "&transferTimeout=30s&alwaysListen=true")).to("mock:erik");
            }
        });
        erik.start();
        List<ScriptedPeer.Wire> wires = new ArrayList<>();
        List<Integer> listenerPorts = new ArrayList<>();
        try (ScriptedPeer sam = new ScriptedPeer("sam"); ScriptedPeer cleo = new ScriptedPeer("cleo")) {
            for (int i = 0; i < 10; i++) {
                Flow flow = Flow.values()[i % 3];
                Dialect dialect = Dialect.values()[i % 2];
                ScriptedPeer.Wire wire = (flow == Flow.C ? cleo : sam).offer("sip:erik@127.0.0.1:" + erikPort, flow,
                        dialect, "big-" + i + ".bin", 50_000_000, SipMode.SESSION);
                wires.add(wire);
                if (flow.receiverListens()) {
                    listenerPorts.add(wire.socket.getPort());
                }
                wire.write(ScriptedPeer.Wire.dataBlock(2045));
            }
            await("ten partial files").atMost(Duration.ofSeconds(5)).until(() -> {
                try (var files = Files.list(erikWork)) {
                    return files.count() == 10;
                }
            });

            long start = System.nanoTime();
            erik.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("stop returns promptly").isLessThan(Duration.ofSeconds(10));
            for (ScriptedPeer.Wire wire : wires) {
                assertThat(wire.readLine()).as("each sender is told").isEqualTo("CCL");
                assertThat(wire.in.read()).as("and the connection closed").isEqualTo(-1);
            }
            assertThat(isEmptyDir(erikWork)).as("no partial file left").isTrue();
            assertThat(FreePorts.isFree(erikPort)).as("SIP port released").isTrue();
            for (int port : listenerPorts) {
                assertThat(FreePorts.isFree(port)).as("listener port %d released", port).isTrue();
            }
        } finally {
            for (ScriptedPeer.Wire wire : wires) {
                wire.close();
            }
            erik.close();
        }
    }
}
