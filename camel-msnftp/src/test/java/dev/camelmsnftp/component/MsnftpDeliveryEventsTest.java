package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferFailedException;
import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferRejectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators see of delivery, through real endpoints: with acknowledge=afterRoute a received file's transfer ends
 * after its route (completed when the route delivered it, failed when not), in every flow, both dialects and both SIP
 * modes; with afterReceive it ends before the route; and every offer a consumer's policy declines ends as rejected, with
 * its reason, in the listeners and in the endpoint's counters (which JMX, metrics and health read).
 */
class MsnftpDeliveryEventsTest extends MsnftpTestSupport {

    static final int DAVE_PORT = FreePorts.udpAndTcp();
    static final int ERIN_PORT = FreePorts.udpAndTcp();
    static final int FRANK_PORT = FreePorts.udpAndTcp();
    static final int GUS_PORT = FreePorts.udpAndTcp();

    /** Route steps and the receiving side's finished events, in the order they happened. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("msnftp", MsnftpComponent.class).addTransferListener(new TransferListener() {
            @Override
            public void finished(Transfer transfer) {
                if (transfer.direction() == Transfer.Direction.RECEIVE) {
                    events.add(transfer.fileName() + " " + transfer.state()
                               + transfer.failure().map(e -> " " + e.getMessage()).orElse(""));
                }
            }
        });
        return context;
    }

    /** Notes that the route runs; files named fails-* then fail it. */
    private Processor route() {
        return exchange -> {
            String name = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
            events.add(name + " ROUTE");
            if (name.startsWith("fails-")) {
                throw new IllegalStateException("the route of " + name + " fails");
            }
        };
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // acknowledge=afterRoute (the default): bob in flows A and B, carol always listens (flow C)
                from(bobReceives("*", "exceptionHandler=#failures")).process(route());
                from(carolReceives("alwaysListen=true&exceptionHandler=#failures")).process(route());
                from(uri("*", "dave", DAVE_PORT, "acknowledge=afterReceive&exceptionHandler=#failures")).process(route());
                // erin's policy declines most offers; gus never has room
                from(uri("*", "erin", ERIN_PORT, "allowedSenders=*@corp.example&include=RAW{.*\\.txt}&maxFileSize=100"
                                                 + "&idempotent=true")).routeId("erin").process(route());
                from(uri("*", "gus", GUS_PORT, "freeSpaceReserve=1000000TB")).routeId("gus").process(route());
            }
        };
    }

    private Exchange send(String uri, String name, int size) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(new byte[size]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    /** The events about {@code name}, once its transfer has finished. */
    private List<String> eventsOf(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> List.copyOf(events).stream()
                .anyMatch(event -> event.startsWith(name + " ") && !event.equals(name + " ROUTE")));
        return List.copyOf(events).stream().filter(event -> event.startsWith(name + " ")).toList();
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("flowsDialectsAndModes")
    void withAfterRouteAReceivedFileCompletesOrFailsOnlyAfterItsRoute(Flow flow, Dialect dialect, SipMode mode) {
        String to = flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
        String uri = alice(to, sending(flow, dialect, mode));
        String suffix = "-" + flow + "-" + dialect + "-" + mode + ".bin";

        assertThat(send(uri, "ok" + suffix, 70_000).getException()).isNull();
        assertThat(eventsOf("ok" + suffix)).containsExactly("ok" + suffix + " ROUTE", "ok" + suffix + " COMPLETED");

        assertThat(send(uri, "fails" + suffix, 70_000).getException()).isInstanceOf(TransferFailedException.class);
        assertThat(eventsOf("fails" + suffix)).hasSize(2).satisfies(seen -> {
            assertThat(seen.get(0)).isEqualTo("fails" + suffix + " ROUTE");
            assertThat(seen.get(1)).startsWith("fails" + suffix + " FAILED Received but not delivered (the sender is told)")
                    .contains("the route of fails" + suffix + " fails");
        });
    }

    @Test
    void withAfterReceiveAReceivedFileCompletesBeforeItsRoute() {
        String uri = alice("sip:dave@127.0.0.1:" + DAVE_PORT, "");

        assertThat(send(uri, "early.bin", 70_000).getException()).isNull();
        assertThat(eventsOf("early.bin")).startsWith("early.bin COMPLETED");
        await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("early.bin ROUTE"));
        assertThat(eventsOf("early.bin")).containsExactly("early.bin COMPLETED", "early.bin ROUTE");
    }

    @Test
    void offersDeclinedByTheConsumersPolicyAreCountedAsRejected() {
        String erin = "sip:erin@127.0.0.1:" + ERIN_PORT;

        assertThat(send(alice(erin, ""), "first.txt", 10).getException()).isNull();
        assertDeclined(send(uri(erin, "frank", FRANK_PORT, "localUser=frank@other.example"), "frank.txt", 10),
                "frank.txt", "not an allowed sender");
        assertDeclined(send(alice(erin, ""), "binary.bin", 10), "binary.bin", "the name does not match include");
        assertDeclined(send(alice(erin, ""), "large.txt", 101), "large.txt", "101 bytes is over maxFileSize 100");
        assertDeclined(send(alice(erin, ""), "first.txt", 10), "first.txt", "received before (idempotent)");
        assertDeclined(send(alice("sip:gus@127.0.0.1:" + GUS_PORT, ""), "no-room.txt", 10), "no-room.txt", "usable");

        var erinCounts = context.getRoute("erin").getEndpoint().getClass() == MsnftpEndpoint.class
                ? ((MsnftpEndpoint) context.getRoute("erin").getEndpoint()).getStatistics() : null;
        assertThat(erinCounts).isNotNull();
        assertThat(erinCounts.offered()).isEqualTo(5);
        assertThat(erinCounts.rejected()).as("what JMX, metrics and the dev console count").isEqualTo(4);
        assertThat(erinCounts.completed()).isEqualTo(1);
        assertThat(((MsnftpEndpoint) context.getRoute("gus").getEndpoint()).getStatistics().rejected()).isEqualTo(1);
    }

    private void assertDeclined(Exchange sent, String name, String reason) {
        assertThat(sent.getException()).isInstanceOf(TransferRejectedException.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> List.copyOf(events).stream()
                .anyMatch(event -> event.startsWith(name + " REJECTED")));
        assertThat(events).anySatisfy(event -> assertThat(event).startsWith(name + " REJECTED Declined: CANCEL")
                .contains(reason));
    }
}
