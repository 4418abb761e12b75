package dev.camelmsnftp.component;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferCancelledException;
import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of real transfers through JMX (the endpoint's counters, the transfers in flight, the cancel
 * operation), in the progress lines the transferLogging options ask for, and through a component-wide listener.
 */
class MsnftpManagementTest extends MsnftpTestSupport {

    private static final int FILE = 300_000;
    private static final int BIG = 3 * 1024 * 1024;

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "maxFileSize=" + BIG)).routeId("bob").to("mock:received");
                // Camel registers the endpoints of routes in JMX (not those a ProducerTemplate creates on the fly)
                from("direct:bob").to(toBob(""));
                from("direct:bobLogged").to(toBob("transferLoggingLevel=INFO&transferLoggingIntervalSeconds=0"));
            }
        };
    }

    private Exchange send(String uri, Object body, String name) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    private static MBeanServer mbeans() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    /** The MBean of the msnftp endpoint whose URI (sanitised: user names masked) matches. */
    private ObjectName endpoint(java.util.function.Predicate<String> matching) throws Exception {
        List<String> seen = new ArrayList<>();
        for (ObjectName name : mbeans().queryNames(new ObjectName("org.apache.camel:context=" + context.getManagementName()
                                                                  + ",type=endpoints,*"), null)) {
            String uri = (String) mbeans().getAttribute(name, "EndpointUri");
            seen.add(uri);
            if (uri.startsWith("msnftp:") && matching.test(uri)) {
                return name;
            }
        }
        throw new AssertionError("no such endpoint MBean among " + seen);
    }

    private long attribute(ObjectName endpoint, String name) throws Exception {
        return ((Number) mbeans().getAttribute(endpoint, name)).longValue();
    }

    @Test
    void countersOfBothEndpointsAfterRealTransfers() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(2);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        context.getComponent("msnftp", MsnftpComponent.class).addTransferListener(new TransferListener() {
            @Override
            public void finished(Transfer transfer) {
                events.add(transfer.direction() + " " + transfer.fileName() + " " + transfer.state());
            }
        });

        assertThat(send("direct:bob", new byte[FILE], "one.bin").getException()).isNull();
        assertThat(send("direct:bob", new byte[FILE], "two.bin").getException()).isNull();
        assertThat(send("direct:bob", new byte[BIG + 1], "big.bin").getException())
                .isInstanceOf(TransferRejectedException.class);
        received.assertIsSatisfied(10_000);

        for (String side : List.of("@127.0.0.1:" + BOB_PORT + "?", "msnftp://*")) {
            ObjectName endpoint = endpoint(uri -> uri.contains(side) && !uri.contains("transferLogging"));
            assertThat(attribute(endpoint, "OfferedCount")).as(side + " offered").isEqualTo(3);
            assertThat(attribute(endpoint, "AcceptedCount")).as(side + " accepted").isEqualTo(2);
            assertThat(attribute(endpoint, "RejectedCount")).as(side + " rejected").isEqualTo(1);
            assertThat(attribute(endpoint, "CompletedCount")).as(side + " completed").isEqualTo(2);
            assertThat(attribute(endpoint, "FailedCount")).as(side + " failed").isZero();
            assertThat(attribute(endpoint, "BytesTransferred")).as(side + " bytes").isEqualTo(2L * FILE);
            assertThat(attribute(endpoint, "InFlightCount")).as(side + " in flight").isZero();
        }
        assertThat(events).containsExactlyInAnyOrder("SEND one.bin COMPLETED", "RECEIVE one.bin COMPLETED",
                "SEND two.bin COMPLETED", "RECEIVE two.bin COMPLETED", "SEND big.bin REJECTED", "RECEIVE big.bin REJECTED");
    }

    @Test
    void aTransferInFlightIsListedAndCancelledThroughJmx() throws Exception {
        try (ScriptedPeer dave = new ScriptedPeer("dave")) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:dave").to(alice(dave.address(), "acceptTimeout=30s"));
                }
            });
            String uri = "direct:dave";
            Future<Exchange> sending = template.asyncSend(uri, exchange -> {
                exchange.getIn().setBody("hello dave");
                exchange.getIn().setHeader(Exchange.FILE_NAME, "hello.txt");
            });
            ScriptedPeer.Received invite = dave.next(Duration.ofSeconds(10));
            long cookie = invite.invitation().cookie();

            ObjectName endpoint = endpoint(name -> name.contains(dave.address().replaceAll("^sip:[^@]+", "") + "?"));
            assertThat(attribute(endpoint, "InFlightCount")).isEqualTo(1);
            String[] inFlight = (String[]) mbeans().getAttribute(endpoint, "InFlightTransfers");
            assertThat(inFlight).singleElement().asString().contains("sending hello.txt to dave@127.0.0.1", "OFFERED",
                    "cookie " + cookie);

            Object cancelled = mbeans().invoke(endpoint, "cancelTransfer", new Object[] { cookie }, new String[] { "long" });
            assertThat(cancelled).isEqualTo(Boolean.TRUE);

            Exchange sent = sending.get(10, TimeUnit.SECONDS);
            assertThat(sent.getException()).isInstanceOfSatisfying(TransferCancelledException.class,
                    e -> assertThat(e.byPeer()).isFalse());
            ScriptedPeer.Received cancel = dave.next(Duration.ofSeconds(10));
            assertThat(cancel.invitation().command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.invitation().cancelCode()).contains(CancelCode.OUTBANDCANCEL);
            assertThat(attribute(endpoint, "FailedCount")).isEqualTo(1);
            assertThat(attribute(endpoint, "InFlightCount")).isZero();
            assertThat(mbeans().invoke(endpoint, "cancelTransfer", new Object[] { cookie }, new String[] { "long" }))
                    .as("nothing left to cancel").isEqualTo(Boolean.FALSE);
        }
    }

    /**
     * An offer that waits for a slot of the consumer is cancelled through JMX: it leaves the queue at once, the sender
     * gets one CANCEL OUTBANDCANCEL for it, and the consumer's exception handler is told it was cancelled.
     */
    @Test
    void anOfferWaitingForASlotIsCancelledThroughJmxAndTheConsumerIsTold() throws Exception {
        BlockingQueue<Throwable> handled = new LinkedBlockingQueue<>();
        context.getRegistry().bind("handled", new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                handled.add(exception);
            }
        });
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(carolReceives("maxConcurrentTransfers=1&acceptTimeout=30s&exceptionHandler=#handled")).routeId("carol")
                        .to("mock:carol");
            }
        });
        String carol = "sip:carol@127.0.0.1:" + CAROL_PORT;
        try (ScriptedPeer dave = new ScriptedPeer("dave")) {
            dave.send(carol, Invitation.invite(1111, "first.bin", 10).connectivityN().build());
            assertThat(dave.next(Duration.ofSeconds(10)).invitation().command()).as("the first offer has the slot")
                    .isEqualTo(InvitationCommand.ACCEPT);
            dave.send(carol, Invitation.invite(2222, "second.bin", 10).connectivityN().build());
            ObjectName endpoint = endpoint(uri -> uri.contains("sipPort=" + CAROL_PORT));
            await("the second offer waits for the slot").atMost(Duration.ofSeconds(10))
                    .until(() -> ((String[]) mbeans().getAttribute(endpoint, "InFlightTransfers")).length == 2);

            assertThat(mbeans().invoke(endpoint, "cancelTransfer", new Object[] { 2222L }, new String[] { "long" }))
                    .isEqualTo(Boolean.TRUE);

            ScriptedPeer.Received cancel = dave.next(Duration.ofSeconds(10));
            assertThat(cancel.invitation().cookie()).isEqualTo(2222);
            assertThat(cancel.invitation().command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.invitation().cancelCode()).contains(CancelCode.OUTBANDCANCEL);
            assertThat(handled.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferCancelledException.class,
                    e -> assertThat(e.cookie()).isEqualTo(2222));
            assertThat((String[]) mbeans().getAttribute(endpoint, "InFlightTransfers")).as("only the first one is left")
                    .singleElement().asString().contains("first.bin");
            assertThat(dave.quietFor(Duration.ofMillis(500))).as("nothing more for the cancelled offer").isEmpty();
            dave.send(carol, Invitation.cancel(1111, CancelCode.OUTBANDCANCEL).build());
        }
    }

    @Test
    void transferLoggingOptionsGiveProgressLinesOfAMultiMegabyteTransfer() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple (the tests' backend) writes to whatever System.err is at the time
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(send("direct:bobLogged", new byte[BIG], "big.bin").getException()).isNull();
            received.assertIsSatisfied(10_000);
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("INFO TransferLogging - Sending big.bin")).toList();
        assertThat(lines).first().asString().contains("Sending big.bin (3.1 MB) to bob@127.0.0.1: accepted, flow B");
        assertThat(lines).as("interval 0: a line per step of about 64 KiB").hasSizeGreaterThan(BIG / (128 * 1024));
        assertThat(lines).anyMatch(line -> line.matches(
                ".*Sending big\\.bin to bob@127\\.0\\.0\\.1: [0-9.]+ [kM]?B of 3\\.1 MB \\([0-9]{1,2}%\\), [0-9.]+ [kMG]?B/s, .* left"));
        assertThat(captured.toString(StandardCharsets.UTF_8)).as("the bob side logs at the default DEBUG level")
                .doesNotContain("INFO TransferLogging - Receiving big.bin");
    }
}
