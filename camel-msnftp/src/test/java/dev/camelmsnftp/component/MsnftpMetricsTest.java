package dev.camelmsnftp.component;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.camelmsnftp.transfer.TransferRejectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a MeterRegistry bound (as camel-micrometer binds one), each endpoint's transfers become Micrometer meters:
 * counters per event and direction, bytes, the in-flight gauge and a duration timer per outcome, after real transfers.
 * That the component runs without Micrometer at all is MsnftpWithoutMicrometerTest, in a build step whose class path
 * has no Micrometer.
 */
class MsnftpMetricsTest extends MsnftpTestSupport {

    private static final int FILE = 400_000;
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
                from(bobReceives("*", "maxFileSize=" + FILE)).routeId("bob").to("mock:received");
                from("direct:send").to(toBob(""));
            }
        };
    }

    private Exchange send(int size, String name) {
        return template.send("direct:send", exchange -> {
            exchange.getIn().setBody(new byte[size]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    private double count(String name, String direction) {
        return meters.get(name).tag("direction", direction).counter().count();
    }

    @Test
    void countersBytesGaugeAndDurationTimerAfterRealTransfers() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(2);
        assertThat(send(FILE, "a.bin").getException()).isNull();
        assertThat(send(FILE, "b.bin").getException()).isNull();
        assertThat(send(FILE + 1, "c.bin").getException()).isInstanceOf(TransferRejectedException.class);
        received.assertIsSatisfied(10_000);

        for (String direction : new String[] { "send", "receive" }) {
            assertThat(count("msnftp.transfers.offered", direction)).as(direction).isEqualTo(3);
            assertThat(count("msnftp.transfers.accepted", direction)).as(direction).isEqualTo(2);
            assertThat(count("msnftp.transfers.completed", direction)).as(direction).isEqualTo(2);
            assertThat(count("msnftp.transfers.rejected", direction)).as(direction).isEqualTo(1);
            assertThat(meters.find("msnftp.transfers.failed").counters()).as("no failure, no failed counter").isEmpty();
            assertThat(count("msnftp.transfer.bytes", direction)).as(direction).isEqualTo(2.0 * FILE);
            Timer duration = meters.get("msnftp.transfer.duration").tag("direction", direction).tag("outcome", "completed")
                    .timer();
            assertThat(duration.count()).as(direction).isEqualTo(2);
            assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).as(direction).isPositive();
        }
        assertThat(meters.get("msnftp.transfers.offered").tag("direction", "send").counter().getId().getTag("endpoint"))
                .startsWith("msnftp://bob@127.0.0.1:" + BOB_PORT).doesNotContain("?");
        assertThat(meters.get("msnftp.transfers.offered").tag("direction", "receive").counter().getId().getTag("endpoint"))
                .isEqualTo("msnftp://*");
        assertThat(meters.get("msnftp.transfers.inflight").gauges()).hasSize(2)
                .allSatisfy(gauge -> assertThat(gauge.value()).isZero());
    }

    @Test
    void stoppingTheContextRemovesTheMeters() throws Exception {
        assertThat(send(1000, "a.bin").getException()).isNull();
        assertThat(meters.find("msnftp.transfers.offered").counters()).isNotEmpty();
        context.stop();
        assertThat(meters.getMeters()).noneMatch(meter -> meter.getId().getName().startsWith("msnftp."));
    }
}
