package dev.camelmsnftp.component;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer is optional: with no Micrometer on the class path at all (the build runs this class alone in its own step
 * whose class path leaves io.micrometer out), a transfer works both ways and the endpoint still counts it.
 */
class MsnftpWithoutMicrometerTest extends MsnftpTestSupport {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "")).routeId("bob").to("mock:received");
                from("direct:send").to(toBob(""));
            }
        };
    }

    @Test
    void aTransferWorksWithoutMicrometerOnTheClassPath() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .as("this test runs where Micrometer is absent").isInstanceOf(ClassNotFoundException.class);
        assertThat(MetricsSupport.micrometerPresent()).isFalse();

        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedBodiesReceived("hello without micrometer");
        received.message(0).body(String.class).isEqualTo("hello without micrometer");
        Exchange sent = template.send("direct:send", exchange -> {
            exchange.getIn().setBody("hello without micrometer");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "hello.txt");
        });
        assertThat(sent.getException()).isNull();
        received.assertIsSatisfied(10_000);
        MsnftpEndpoint bob = (MsnftpEndpoint) context.getRoute("bob").getEndpoint();
        assertThat(bob.getStatistics().completed()).isEqualTo(1);
    }
}
