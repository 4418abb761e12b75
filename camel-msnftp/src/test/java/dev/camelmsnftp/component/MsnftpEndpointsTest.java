package dev.camelmsnftp.component;

import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What users expect of the endpoints beyond the transfer itself: every body type, the fileName expression, one SIP
 * agent shared by the endpoints of a user, maxConcurrentTransfers, bridgeErrorHandler and lazyStartProducer.
 */
class MsnftpEndpointsTest extends MsnftpTestSupport {

    static final int DAVE_PORT = FreePorts.udpAndTcp();
    static final int GRACE_PORT = FreePorts.udpAndTcp();

    private final CountDownLatch daveMayFinish = new CountDownLatch(1);
    private final CountDownLatch daveIsBusy = new CountDownLatch(1);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // two consumers of bob on one SIP agent: one for carol only, one for anyone else
                from(bobReceives("*", "")).routeId("bob-anyone").convertBodyTo(byte[].class).to("mock:anyone");
                from(bobReceives("carol@corp.example", "")).routeId("bob-carol").to("mock:fromCarol");
                // dave takes one file at a time, lets none wait for his slot, and is slow to route it
                from(uri("*", "dave", DAVE_PORT, "maxConcurrentTransfers=1&maxQueuedOffers=0")).routeId("dave")
                        .process(exchange -> {
                            daveIsBusy.countDown();
                            assertThat(daveMayFinish.await(30, TimeUnit.SECONDS)).isTrue();
                        }).to("mock:dave");
                // grace hands transfer failures to the route's error handler
                from(uri("*", "grace", GRACE_PORT, "bridgeErrorHandler=true")).routeId("grace")
                        .onException(TransferException.class).handled(true).to("mock:bridged").end()
                        .to("mock:grace");
            }
        };
    }

    private Exchange send(String uri, Object body, String fileName) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            if (fileName != null) {
                exchange.getIn().setHeader(Exchange.FILE_NAME, fileName);
            }
        });
    }

    @Test
    void everyBodyTypeIsSentWithItsBytes() throws Exception {
        Path file = randomFile("as path.bin", 70_000);
        byte[] streamed = new byte[100_000];
        new java.util.Random(7).nextBytes(streamed);
        MockEndpoint anyone = getMockEndpoint("mock:anyone");
        anyone.expectedMessageCount(4);
        anyone.expectedHeaderValuesReceivedInAnyOrder(Exchange.FILE_NAME, "text.txt", "bytes.bin", "as path.bin",
                "stream.bin");

        assertThat(send(toBob(""), "Grüße, Bob", "text.txt").getException()).isNull();
        assertThat(send(toBob(""), new byte[] { 1, 2, 3 }, "bytes.bin").getException()).isNull();
        assertThat(send(toBob(""), file, "dir/as path.bin").getException()).isNull();
        assertThat(send(toBob(""), new ByteArrayInputStream(streamed), "stream.bin").getException()).isNull();

        anyone.assertIsSatisfied(10_000);
        assertThat(bodyOf(anyone, "text.txt")).isEqualTo("Grüße, Bob".getBytes(StandardCharsets.UTF_8));
        assertThat(bodyOf(anyone, "bytes.bin")).containsExactly(1, 2, 3);
        assertThat(bodyOf(anyone, "as path.bin")).isEqualTo(Files.readAllBytes(file));
        assertThat(bodyOf(anyone, "stream.bin")).isEqualTo(streamed);
        assertThat(isEmptyDir(work.resolve("alice"))).as("the spooled copy of the stream is deleted").isTrue();
    }

    @Test
    void theOfferedNameIsTheExpressionElseTheHeaderElseTheFilesNameElseTheExchangeId() throws Exception {
        Path file = randomFile("named by the body.bin", 10);
        MockEndpoint anyone = getMockEndpoint("mock:anyone");
        anyone.expectedMessageCount(4);

        Exchange byExpression = template.send(toBob("fileName=report-${header.period}.csv"), exchange -> {
            exchange.getIn().setBody("a;b");
            exchange.getIn().setHeader("period", "2026-11");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "not this one.csv");
        });
        Exchange byHeader = send(toBob(""), file.toFile(), "dir/by header.bin");
        Exchange byBody = send(toBob(""), file.toFile(), null);
        Exchange byId = send(toBob(""), "x", null);

        anyone.assertIsSatisfied(10_000);
        assertThat(Stream.of(byExpression, byHeader, byBody, byId)).extracting(Exchange::getException).containsOnlyNulls();
        assertThat(anyone.getReceivedExchanges()).extracting(exchange -> exchange.getIn().getHeader(Exchange.FILE_NAME))
                .containsExactlyInAnyOrder("report-2026-11.csv", "by header.bin", "named by the body.bin",
                        byId.getExchangeId());
    }

    @Test
    void theConsumerForOneSenderWinsOverTheWildcardOnTheSameAgent() throws Exception {
        MockEndpoint fromCarol = getMockEndpoint("mock:fromCarol");
        fromCarol.expectedMessageCount(1);
        fromCarol.expectedHeaderReceived(MsnftpConstants.REMOTE_USER, "carol@corp.example");
        MockEndpoint anyone = getMockEndpoint("mock:anyone");
        anyone.expectedMessageCount(1);
        anyone.expectedHeaderReceived(MsnftpConstants.REMOTE_USER, "alice@corp.example");

        String carolToBob = uri("sip:bob@127.0.0.1:" + BOB_PORT, "carol", CAROL_PORT, "");
        assertThat(send(carolToBob, "from carol", "c.txt").getException()).isNull();
        assertThat(send(toBob(""), "from alice", "a.txt").getException()).isNull();

        MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
    }

    @Test
    void beyondMaxConcurrentTransfersTheConsumerAnswersCancelFailAndRecovers() throws Exception {
        String toDave = alice("sip:dave@127.0.0.1:" + DAVE_PORT, "");
        MockEndpoint dave = getMockEndpoint("mock:dave");
        dave.expectedMessageCount(2);

        Future<Exchange> first = template.asyncSend(toDave, exchange -> exchange.getIn().setBody("first"));
        assertThat(daveIsBusy.await(10, TimeUnit.SECONDS)).as("dave is routing the first file").isTrue();

        Exchange second = send(toDave, "second", "second.txt");
        assertThat(second.getException()).isInstanceOfSatisfying(TransferRejectedException.class,
                e -> assertThat(e.cancelCode()).contains("FAIL"));
        assertThat(second.getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo("FAIL");

        daveMayFinish.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).getException()).isNull();
        // the slot frees when dave's route has finished with the first file, a moment after alice had her BYE; until
        // then a new offer is declined with FAIL again, which never reaches the route
        await("a slot is free again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> send(toDave, "third", "third.txt").getException() == null);
        dave.assertIsSatisfied(10_000);
    }

    @Test
    void withBridgeErrorHandlerAFailedTransferReachesTheRoutesErrorHandler() throws Exception {
        MockEndpoint bridged = getMockEndpoint("mock:bridged");
        bridged.expectedMessageCount(1);
        getMockEndpoint("mock:grace").expectedMessageCount(0);
        try (ScriptedPeer sender = new ScriptedPeer("heidi")) {
            sender.send("sip:grace@127.0.0.1:" + GRACE_PORT,
                    Invitation.invite(Cookies.next(), "cut.bin", 50_000).connectivityN().build());
            Invitation accept = sender.next(Duration.ofSeconds(5)).invitation();
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), accept.port().getAsInt());
            try (ScriptedPeer.Wire wire = new ScriptedPeer.Wire(socket)) {
                assertThat(wire.readLine()).isEqualTo("VER MSNFTP");
                wire.line("VER MSNFTP");
                assertThat(wire.readLine()).startsWith("USR grace@corp.example ");
                wire.line("FIL 50000");
                assertThat(wire.readLine()).isEqualTo("TFR");
                wire.reset();
            }
            MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
        }
        assertThat(bridged.getReceivedExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT))
                .isInstanceOf(TransferException.class);
        assertThat(isEmptyDir(work.resolve("grace"))).isTrue();
    }

    @Test
    void lazyStartProducerDefersTheSipStackToTheFirstMessage() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
            String taken = uri("sip:bob@127.0.0.1:" + BOB_PORT, "ivan", tcp.getLocalPort(), "");

            assertThatThrownBy(() -> context.addRoutes(route("direct:eager", taken)))
                    .as("an eager producer binds its SIP port when the route starts")
                    .hasMessageContaining("Cannot listen on 127.0.0.1:" + tcp.getLocalPort());

            context.addRoutes(route("direct:lazy", taken + "&lazyStartProducer=true"));
            Exchange sent = template.send("direct:lazy", exchange -> exchange.getIn().setBody("x"));
            assertThat(sent.getException()).as("the failure comes with the first message")
                    .hasMessageContaining("Cannot listen on 127.0.0.1:" + tcp.getLocalPort());
        }
    }

    private static RouteBuilder route(String from, String to) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId(from.substring("direct:".length())).to(to);
            }
        };
    }

    private static byte[] bodyOf(MockEndpoint mock, String fileName) {
        return mock.getReceivedExchanges().stream()
                .filter(exchange -> fileName.equals(exchange.getIn().getHeader(Exchange.FILE_NAME)))
                .findFirst().orElseThrow().getIn().getBody(byte[].class);
    }
}
