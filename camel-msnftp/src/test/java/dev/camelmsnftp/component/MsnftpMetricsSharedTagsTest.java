package dev.camelmsnftp.component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters live as long as their endpoint is started. Camel stops (and never shuts down) an endpoint it removes with its
 * route: the meters of one sending to a peer must leave the registry then. Two endpoints whose meters
 * carry the same tags (same context, scheme and peer, options differing) share them: removing one must leave the meters
 * the other still counts in.
 */
class MsnftpMetricsSharedTagsTest extends MsnftpTestSupport {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", meters);
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "")).routeId("bob").to("mock:received");
                from("direct:a").routeId("a").to(toBob(""));
                from("direct:b").routeId("b").to(toBob("transferTimeout=6s"));
                from("direct:c").routeId("c").to(alice("sip:carol@127.0.0.1:" + CAROL_PORT, ""));
            }
        };
    }

    private Exchange send(String route, String name) {
        return template.send("direct:" + route, exchange -> {
            exchange.getIn().setBody(new byte[1000]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    private double offeredSent() {
        return meters.get("msnftp.transfers.offered").tag("direction", "send").counter().count();
    }

    private Endpoint msnftpEndpoint(String contains, String without) {
        return context.getEndpoints().stream().filter(e -> e instanceof MsnftpEndpoint
                                                          && e.getEndpointUri().contains(contains)
                                                          && (without == null || !e.getEndpointUri().contains(without)))
                .findFirst().orElseThrow();
    }

    @Test
    void theMetersOfARemovedEndpointLeaveTheRegistry() throws Exception {
        assertThat(meters.getMeters()).as("carol's in-flight gauge")
                .anyMatch(meter -> String.valueOf(meter.getId().getTag("endpoint")).contains("carol@"));
        Endpoint toCarol = msnftpEndpoint("carol@", null);
        context.getRouteController().stopRoute("c");
        context.removeRoute("c");
        context.removeEndpoint(toCarol);
        assertThat(meters.getMeters()).as("meters of the removed endpoint")
                .noneMatch(meter -> String.valueOf(meter.getId().getTag("endpoint")).contains("carol@"));
    }

    @Test
    void removingOneEndpointLeavesTheMetersTheOtherCountsIn() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(3);
        assertThat(send("a", "a.bin").getException()).isNull();
        assertThat(send("b", "b.bin").getException()).isNull();
        assertThat(offeredSent()).isEqualTo(2);
        Endpoint sendingA = msnftpEndpoint("bob@", "transferTimeout=6s");

        context.getRouteController().stopRoute("a");
        context.removeRoute("a");
        context.removeEndpoint(sendingA);

        assertThat(send("b", "c.bin").getException()).isNull();
        received.assertIsSatisfied(10_000);
        assertThat(meters.find("msnftp.transfers.offered").tag("direction", "send").counters())
                .as("route b's endpoint still counts: its meters are still in the registry").hasSize(1);
        assertThat(offeredSent()).isEqualTo(3);
        assertThat(meters.find("msnftp.transfers.inflight").gauges()).as("one gauge per tag set: receive, bob, carol")
                .hasSize(3).allSatisfy(gauge -> assertThat(gauge.value()).isZero());
    }
}
