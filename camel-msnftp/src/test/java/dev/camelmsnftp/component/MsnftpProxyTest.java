package dev.camelmsnftp.component;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.TestCertificates;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateProducerException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployment users have: both parties registered at a SIP registrar and proxy (a real Kamailio with digest
 * authentication) and addressed by their address of record only, {@code msnftp:bob@example.test}; over TLS too, with
 * Camel's SSLContextParameters (per endpoint for alice, the context's global ones for bob).
 */
class MsnftpProxyTest extends MsnftpTestSupport {

    static final TestCertificates AUTHORITY = TestCertificates.authority("msnftp test authority");

    /** Plain UDP and TCP, and two TLS ports: one whose certificate names 127.0.0.1, one for another name. */
    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension()
            .withTls("right", AUTHORITY.issue("kamailio", "IP:127.0.0.1"))
            .withTls("other", AUTHORITY.issue("sip.other.example", "DNS:sip.other.example"));

    static String registered(String peer, String user, String transport, String options) {
        String proxy = transport.equals("tls") ? KAMAILIO.tlsAddress("right") : KAMAILIO.address() + "/" + transport;
        return registeredAt(proxy, peer, user, transport, options);
    }

    static String registeredAt(String proxy, String peer, String user, String transport, String options) {
        return uri(peer, user, 0, "localUser=" + user + "@" + KamailioExtension.DOMAIN + "&sipTransport=" + transport
                + "&registrar=" + proxy.replaceAll("/.*", "") + "&outboundProxy=" + proxy
                + "&password=RAW(" + KamailioExtension.PASSWORD + ")" + (options.isEmpty() ? "" : "&" + options));
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("aliceTls", tls("alice"));
        context.setSSLContextParameters(tls("bob"));
        context.getComponent("msnftp", MsnftpComponent.class).setUseGlobalSslContextParameters(true);
        return context;
    }

    /** TLS for {@code user}: a certificate for 127.0.0.1 from the test authority, trusting that authority. */
    private static SSLContextParameters tls(String user) {
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setResource("file:" + AUTHORITY.issue(user, "IP:127.0.0.1").writeKeyStore(work.resolve(user + ".p12")));
        keys.setPassword(TestCertificates.PASSWORD);
        keys.setType("PKCS12");
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keys);
        keyManagers.setKeyPassword(TestCertificates.PASSWORD);
        KeyStoreParameters trusted = new KeyStoreParameters();
        trusted.setResource("file:" + AUTHORITY.writeTrustStore(work.resolve(user + "-trust.p12")));
        trusted.setPassword(TestCertificates.PASSWORD);
        trusted.setType("PKCS12");
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(trusted);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        parameters.setTrustManagers(trustManagers);
        return parameters;
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
                // no sslContextParameters: the component uses the context's global ones
                from(registered("*", "bob-tls", "tls", "")).process(checksum()).to("mock:received");
            }
        };
    }

    @ParameterizedTest(name = "{0}, {1}, encryption={2}")
    @CsvSource({ "udp, session, auto", "udp, pager, disabled", "tcp, session, disabled", "tcp, pager, auto",
                 "tls, session, auto", "tls, pager, disabled" })
    void fileReachesARegisteredUserThroughTheProxy(String transport, String mode, String encryption) throws Exception {
        Path source = randomFile("through the proxy " + transport + " " + mode + ".bin", 1_000_000);
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        String bob = "bob-" + transport + "@" + KamailioExtension.DOMAIN;

        Exchange sent = template.send(registered(bob, "alice-" + transport, transport,
                "sipMode=" + mode + "&encryption=" + encryption + (transport.equals("tls") ? "&sslContextParameters=#aliceTls" : "")),
                exchange -> exchange.getIn().setBody(source.toFile()));

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

    @Test
    void overTlsAProxyWhoseCertificateNamesAnotherHostFailsTheProducerUnlessVerificationIsOff() throws Exception {
        Path source = randomFile("verified.bin", 10_000);
        String bob = "bob-tls@" + KamailioExtension.DOMAIN;
        // the producer's SIP agent cannot register: the proxy's certificate is for sip.other.example, not 127.0.0.1
        assertThatThrownBy(() -> template.send(registeredAt(KAMAILIO.tlsAddress("other"), bob, "alice-strict", "tls",
                "sslContextParameters=#aliceTls"), exchange -> exchange.getIn().setBody(source.toFile())))
                .isInstanceOf(FailedToCreateProducerException.class)
                .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");

        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        Exchange sent = template.send(registeredAt(KAMAILIO.tlsAddress("other"), bob, "alice-lax", "tls",
                "sslContextParameters=#aliceTls&verifyHostname=false"), exchange -> exchange.getIn().setBody(source.toFile()));
        assertThat(sent.getException()).isNull();
        MockEndpoint.assertIsSatisfied(context, 20, TimeUnit.SECONDS);
        assertThat(received.getReceivedExchanges().get(0).getIn().getHeader(SHA256)).isEqualTo(sha256(source));
    }
}
