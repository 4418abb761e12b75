package dev.camelmsnftp.component;

import dev.camelmsnftp.testsupport.FreePorts;
import org.apache.camel.Endpoint;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * URIs stay readable where Camel shows them (logs, JMX, the console, route summaries): Camel's sanitising masks every
 * option whose name contains "user" and anything that looks like user:password@, which turned
 * {@code msnftp:sip:bob@127.0.0.1:25072?localUser=alice@corp.example} into
 * {@code msnftp://sip:xxxxxx@127.0.0.1:25072?localUser=xxxxxx}. Addresses stay visible; only secrets are masked.
 */
class MsnftpUriTest extends CamelTestSupport {

    static final int BOB_PORT = FreePorts.udpAndTcp();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("msnftp:*?identity=bob@corp.example&sipHost=127.0.0.1&sipPort=" + BOB_PORT
                     + "&authUsername=bob&password=s3cret").routeId("bob").to("mock:bob");
            }
        };
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // as written in a route, the recommended forms survive Camel's sanitising as they are
            "msnftp:bob@corp.example?identity=alice@corp.example&registrar=sip.corp.example"
            + "|msnftp:bob@corp.example?identity=alice@corp.example&registrar=sip.corp.example",
            "msnftp:*?identity=bob@corp.example&registrar=sip.corp.example:5061&outboundProxy=sip.corp.example:5060/tcp"
            + "|msnftp:*?identity=bob@corp.example&registrar=sip.corp.example:5061&outboundProxy=sip.corp.example:5060/tcp",
            // only the secrets are masked
            "msnftp:bob@corp.example?identity=alice@corp.example&authUsername=alice&password=RAW(s3cr&t)"
            + "|msnftp:bob@corp.example?identity=alice@corp.example&authUsername=xxxxxx&password=xxxxxx" })
    void theRecommendedFormsSurviveSanitising(String uri, String shown) {
        assertThat(URISupport.sanitizeUri(uri)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "msnftp:sip:bob@127.0.0.1:25072?identity=alice@corp.example&sipPort=5071"
            + "|msnftp://bob@127.0.0.1:25072?identity=alice%40corp.example&sipPort=5071",
            "msnftp:bob@127.0.0.1:25072?identity=sip:alice@corp.example&sipPort=5071"
            + "|msnftp://bob@127.0.0.1:25072?identity=sip:alice%40corp.example&sipPort=5071",
            "msnftp:bob@127.0.0.1:25072?identity=alice@corp.example&authUsername=alice&password=RAW(p@ss)"
            + "|msnftp://bob@127.0.0.1:25072?authUsername=xxxxxx&identity=alice%40corp.example&password=xxxxxx" })
    void theEndpointShowsThePeerAndTheIdentityAndMasksOnlySecrets(String uri, String shown) {
        Endpoint endpoint = context.getEndpoint(uri);
        assertThat(endpoint.toString()).isEqualTo(shown);
        assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).isEqualTo(shown);
        assertThat(endpoint.getEndpointBaseUri()).isEqualTo("msnftp://bob@127.0.0.1:25072");
    }

    @Test
    void theUriShownParsesBackToTheSameSettings() {
        MsnftpEndpoint endpoint = context.getEndpoint(
                "msnftp:sip:bob@127.0.0.1:25072?identity=alice@corp.example&password=RAW(p@ss&w)&sipPort=5071",
                MsnftpEndpoint.class);
        MsnftpEndpoint again = context.getEndpoint(endpoint.getEndpointUri(), MsnftpEndpoint.class);
        for (MsnftpEndpoint e : new MsnftpEndpoint[] { endpoint, again }) {
            assertThat(e.getPeer()).endsWith("bob@127.0.0.1:25072");
            assertThat(e.getConfiguration().getIdentity()).isEqualTo("alice@corp.example");
            assertThat(e.getConfiguration().getPassword()).isEqualTo("p@ss&w");
        }
    }

    @Test
    void aRunningRouteShowsItsConsumerReadably() {
        assertThat(context.getRoute("bob").getEndpoint().toString())
                .isEqualTo("msnftp://*?authUsername=xxxxxx&identity=bob%40corp.example&password=xxxxxx&sipHost=127.0.0.1"
                           + "&sipPort=" + BOB_PORT);
        assertThat(context.getRoute("bob").getConsumer().toString()).contains("identity=bob%40corp.example")
                .doesNotContain("s3cret");
    }

    @Test
    void localUserStillWorksAsTheFormerNameOfIdentity() {
        MsnftpEndpoint endpoint = context.getEndpoint("msnftp:bob@corp.example?localUser=alice@corp.example",
                MsnftpEndpoint.class);
        assertThat(endpoint.getConfiguration().getIdentity()).isEqualTo("alice@corp.example");
        // Camel masks it, which is why it was renamed
        assertThat(endpoint.toString()).isEqualTo("msnftp://bob@corp.example?localUser=xxxxxx");
    }
}
