package dev.camelmsnftp.component;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.KamailioExtension;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment users have: both parties registered at a SIP registrar and proxy (a real Kamailio with digest
 * authentication) and addressed by their address of record only, {@code msnftp:bob@example.test}.
 */
class MsnftpProxyTest extends MsnftpTestSupport {

    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension();

    static String registered(String peer, String user, String transport, String options) {
        return uri(peer, user, 0, "localUser=" + user + "@" + KamailioExtension.DOMAIN + "&sipTransport=" + transport
                + "&registrar=" + KAMAILIO.address() + "&outboundProxy=" + KAMAILIO.address() + "/" + transport
                + "&password=RAW(" + KamailioExtension.PASSWORD + ")" + (options.isEmpty() ? "" : "&" + options));
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(registered("alice-udp@" + KamailioExtension.DOMAIN, "bob-udp", "udp", "")).process(checksum())
                        .to("mock:received");
                from(registered("alice-tcp@" + KamailioExtension.DOMAIN, "bob-tcp", "tcp", "")).process(checksum())
                        .to("mock:received");
            }
        };
    }

    @ParameterizedTest(name = "{0}, {1}, encryption={2}")
    @CsvSource({ "udp, session, auto", "udp, pager, disabled", "tcp, session, disabled", "tcp, pager, auto" })
    void fileReachesARegisteredUserThroughTheProxy(String transport, String mode, String encryption) throws Exception {
        Path source = randomFile("through the proxy " + transport + " " + mode + ".bin", 1_000_000);
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        String bob = "bob-" + transport + "@" + KamailioExtension.DOMAIN;

        Exchange sent = template.send(registered(bob, "alice-" + transport, transport,
                "sipMode=" + mode + "&encryption=" + encryption), exchange -> exchange.getIn().setBody(source.toFile()));

        assertThat(sent.getException()).isNull();
        MockEndpoint.assertIsSatisfied(context, 20, TimeUnit.SECONDS);
        Exchange got = received.getReceivedExchanges().get(0);
        assertThat(got.getIn().getHeader(SHA256)).isEqualTo(sha256(source));
        assertThat(got.getIn().getHeader(MsnftpConstants.REMOTE_USER))
                .isEqualTo("alice-" + transport + "@" + KamailioExtension.DOMAIN);
        assertThat(sent.getIn().getHeader(MsnftpConstants.REMOTE_USER)).as("the same form on both sides").isEqualTo(bob);
        assertThat(got.getIn().getHeader(MsnftpConstants.ENCRYPTED)).isEqualTo(encryption.equals("auto"));
        assertThat(sent.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class)).isEqualTo(16777989L);
        assertThat(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE))
                .isEqualTo(got.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE));
    }
}
