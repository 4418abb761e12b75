package dev.camelmsnftp.component;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which headers travel between an exchange and the peer (none), and the endpoint's header filter strategy: by default
 * it drops Camel* headers in any case in both directions, and a custom one can be set like on camel-xmpp.
 */
class MsnftpHeadersTest extends MsnftpTestSupport {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "")).routeId("bob").to("mock:bob");
            }
        };
    }

    @Test
    void noHeaderOfTheSendersExchangeReachesTheReceiversExchange() throws Exception {
        MockEndpoint bob = getMockEndpoint("mock:bob");
        bob.expectedMessageCount(1);

        Exchange sent = template.send(toBob(""), exchange -> {
            exchange.getIn().setBody("hello");
            exchange.getIn().setHeaders(Map.of(Exchange.FILE_NAME, "hello.txt", "X-Order", "4711", "CamelMsnftpEncrypted",
                    "forged", "Application-File", "forged.exe", "Invitation-Cookie", "1"));
        });
        assertThat(sent.getException()).isNull();
        bob.assertIsSatisfied(10_000);

        Map<String, Object> received = bob.getReceivedExchanges().get(0).getIn().getHeaders();
        assertThat(received).doesNotContainKeys("X-Order", "Application-File", "Invitation-Cookie");
        assertThat(received.keySet()).as("only the component's own headers").allMatch(name -> name.startsWith("Camel"));
        assertThat(received).containsEntry(Exchange.FILE_NAME, "hello.txt")
                .containsEntry(MsnftpConstants.ENCRYPTED, Boolean.TRUE);
    }

    @Test
    void theDefaultStrategyDropsCamelHeadersInAnyCaseInBothDirections() {
        MsnftpEndpoint endpoint = context.getEndpoint(toBob(""), MsnftpEndpoint.class);
        assertThat(endpoint).isInstanceOf(HeaderFilterStrategyAware.class);
        HeaderFilterStrategy strategy = endpoint.getHeaderFilterStrategy();
        assertThat(strategy).isInstanceOf(MsnftpHeaderFilterStrategy.class);
        Exchange exchange = new DefaultExchange(context);
        for (String name : new String[] { "CamelFileName", "camelFileName", "CAMELMSNFTPREMOTEUSER", "cAmElFoo" }) {
            assertThat(strategy.applyFilterToCamelHeaders(name, "x", exchange)).as("out: " + name).isTrue();
            assertThat(strategy.applyFilterToExternalHeaders(name, "x", exchange)).as("in: " + name).isTrue();
        }
        assertThat(strategy.applyFilterToCamelHeaders("X-Order", "4711", exchange)).isFalse();
        assertThat(strategy.applyFilterToExternalHeaders("X-Order", "4711", exchange)).isFalse();
    }

    @Test
    void aCustomStrategyIsTakenFromTheRegistry() {
        DefaultHeaderFilterStrategy custom = new DefaultHeaderFilterStrategy();
        context.getRegistry().bind("myFilter", custom);
        MsnftpEndpoint endpoint = context.getEndpoint(toBob("headerFilterStrategy=#myFilter"), MsnftpEndpoint.class);
        assertThat(endpoint.getHeaderFilterStrategy()).isSameAs(custom);
    }
}
