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
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferException;
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


    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob: stalls are noticed after 2 s; a file named "fail*" makes the route fail after it arrived
                from(bobReceives("*", "transferTimeout=2s&exceptionHandler=#failures")).routeId("bob")
                        .choice().when(header(Exchange.FILE_NAME).startsWith("fail"))
                        .throwException(new IllegalStateException("the route failed after the file arrived"))
                        .end()
                        .to("mock:received");
                // bob's files from rita go to a route of their own, on the same SIP agent
                from(bobReceives("rita@corp.example", "transferTimeout=30s&exceptionHandler=#failures"))
                        .routeId("bob-rita").to("mock:fromRita");
                // dave cannot write his work directory: its parent is a file
                from(uri("*", "dave", DAVE_PORT, "exceptionHandler=#failures&workDir=" + work.resolve("a-file/work")))
                        .to("mock:dave");
                // a sender that retries twice
                from("direct:retrying").errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0))
                        .toD("${header.target}");
            }
        };
    }

    /** Dave's work directory cannot be made: its parent is a file, from before his route starts. */
    @BeforeAll
    static void makeDavesWorkDirectoryImpossible() throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("a-file"), "not a directory");
    }

    @Test
    void anUnwritableWorkDirectoryDeclinesWithFailOnBothSides() throws Exception {
        getMockEndpoint("mock:dave").expectedMessageCount(0);

        Exchange sent = template.send(alice("sip:dave@127.0.0.1:" + DAVE_PORT, ""),
                exchange -> exchange.getIn().setBody("cannot be stored"));

        assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class,
                e -> assertThat(e.cancelCode()).contains("FAIL"));
        assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferFailedException.class,
                e -> assertThat(e.getMessage()).contains("Cannot write the received file"));
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
                    assertThat(e.phase()).isEqualTo(TransferException.Phase.TRANSFER);
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

    @Test
    void aSenderThatStallsMidTransferIsDroppedAfterTransferTimeout() throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);
        try (ScriptedPeer sam = new ScriptedPeer("sam")) {
            sam.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(Cookies.next(), "stall.bin", 100_000)
                    .connectivityN().build());
            Invitation accept = sam.next(Duration.ofSeconds(5)).invitation();
            try (ScriptedPeer.Wire wire = new ScriptedPeer.Wire(new Socket(InetAddress.getLoopbackAddress(),
                    accept.port().getAsInt()))) {
                wire.readLine();
                wire.line("VER MSNFTP");
                wire.readLine();
                wire.line("FIL 100000");
                wire.readLine();
                wire.write(new byte[] { 0, (byte) 0xfd, 0x07 });
                wire.write(new byte[2045]);
                long start = System.nanoTime();
                // then nothing: bob gives up after transferTimeout (2 s), hangs up, and says why over SIP
                assertThat(wire.in.read()).as("bob hangs up").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1500),
                        Duration.ofSeconds(6));
            }
            Invitation cancel = sam.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.cancelCode()).contains(CancelCode.FTTIMEOUT);
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOf(TransferTimeoutException.class);
            await("the partial file is deleted").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(bobWorkDir()));
        }
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aReceiverThatVanishesMidTransferFailsTheProducerAtOnce() throws Exception {
        try (ScriptedPeer gina = new ScriptedPeer("gina"); ServerSocket listener = ScriptedPeer.listen()) {
            Thread receiving = new Thread(() -> {
                try {
                    ScriptedPeer.Received invite = gina.next(Duration.ofSeconds(5));
                    invite.reply(Invitation.listeningAccept(invite.invitation().cookie(), "127.0.0.1",
                            listener.getLocalPort(), 51).senderConnect().build());
                    ScriptedPeer.Wire wire = new ScriptedPeer.Wire(listener.accept());
                    wire.line("VER MSNFTP");
                    wire.readLine();
                    wire.line("USR gina@corp.example 51");
                    wire.readLine();
                    wire.line("TFR");
                    wire.read(4096);
                    wire.reset();
                } catch (Exception e) {
                    consumerFailures.add(e);
                }
            });
            receiving.start();
            long start = System.nanoTime();
            Exchange sent = template.send(alice(gina.address(), "transferTimeout=30s"),
                    exchange -> exchange.getIn().setBody(new byte[20_000_000]));
            receiving.join(10_000);

            assertThat(sent.getException()).isInstanceOf(TransferConnectionLostException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s time-out")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(isEmptyDir(work.resolve("alice"))).isTrue();
        }
    }

    @Test
    void stoppingOneRouteCancelsItsTransfersAndLeavesTheSharedAgentWorking() throws Exception {
        getMockEndpoint("mock:fromRita").expectedMessageCount(0);
        getMockEndpoint("mock:received").expectedMessageCount(1);
        try (ScriptedPeer rita = new ScriptedPeer("rita")) {
            rita.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(Cookies.next(), "long.bin", 10_000_000)
                    .connectivityN().build());
            Invitation accept = rita.next(Duration.ofSeconds(5)).invitation();
            try (ScriptedPeer.Wire wire = new ScriptedPeer.Wire(new Socket(InetAddress.getLoopbackAddress(),
                    accept.port().getAsInt()))) {
                wire.readLine();
                wire.line("VER MSNFTP");
                wire.readLine();
                wire.line("FIL 10000000");
                assertThat(wire.readLine()).isEqualTo("TFR");
                wire.write(new byte[] { 0, (byte) 0xfd, 0x07 });
                wire.write(new byte[2045]);

                context.getRouteController().stopRoute("bob-rita", 10, TimeUnit.SECONDS);

                assertThat(wire.readLine()).as("rita is told").isEqualTo("CCL");
            }
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOf(TransferException.class);
            await("the partial file is deleted").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(bobWorkDir()));
        }
        assertThat(template.send(toBob(""), exchange -> exchange.getIn().setBody("bob's other route")).getException())
                .isNull();
        MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
    }

    @Test
    void stoppingTheContextInTheMiddleOfTenTransfersCancelsEachAndReleasesEverything() throws Exception {
        int erikPort = FreePorts.udpAndTcp();
        Path erikWork = work.resolve("erik");
        CamelContext erik = new DefaultCamelContext();
        erik.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", "erik", erikPort, "workDir=" + erikWork + "&transferTimeout=30s")).to("mock:erik");
            }
        });
        erik.start();
        List<ScriptedPeer.Wire> wires = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try (ScriptedPeer sam = new ScriptedPeer("sam")) {
            for (int i = 0; i < 10; i++) {
                sam.send("sip:erik@127.0.0.1:" + erikPort, Invitation.invite(Cookies.next(), "big-" + i + ".bin",
                        50_000_000).connectivityN().build());
                Invitation accept = sam.next(Duration.ofSeconds(5)).invitation();
                assertThat(accept.command()).isEqualTo(InvitationCommand.ACCEPT);
                ports.add(accept.port().getAsInt());
                ScriptedPeer.Wire wire = new ScriptedPeer.Wire(new Socket(InetAddress.getLoopbackAddress(),
                        accept.port().getAsInt()));
                wires.add(wire);
                wire.readLine();
                wire.line("VER MSNFTP");
                wire.readLine();
                wire.line("FIL 50000000");
                wire.readLine();
                wire.write(new byte[] { 0, (byte) 0xfd, 0x07 });
                wire.write(new byte[2045]);
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
            }
            assertThat(isEmptyDir(erikWork)).as("no partial file left").isTrue();
            assertThat(FreePorts.isFree(erikPort)).as("SIP port released").isTrue();
            for (int port : ports) {
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
