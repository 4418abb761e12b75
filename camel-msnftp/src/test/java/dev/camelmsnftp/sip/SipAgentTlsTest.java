package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS checks whom it talks to: bob's certificate must be issued by an authority alice trusts and, unless alice turns
 * it off, name the host she connects to (here 127.0.0.1).
 */
class SipAgentTlsTest {

    static final TestCertificates AUTHORITY = TestCertificates.authority("msnftp test authority");
    static final TestCertificates STRANGER = TestCertificates.authority("someone else");
    static final byte[] BODY = "Invitation-Command: INVITE\r\nInvitation-Cookie: 5\r\n".getBytes(StandardCharsets.UTF_8);

    private SipAgent alice;
    private SipAgent bob;

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    private void start(TestCertificates.Issued bobsCertificate, TestCertificates bobsAuthority, boolean verify)
            throws SipAgentException {
        bob = SipAgent.start(SipTesting.onLoopback("bob", SipTransport.TLS)
                .tls(TlsSettings.of(bobsCertificate.sslContext(bobsAuthority))).build());
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
        alice = SipAgent.start(SipTesting.onLoopback("alice", SipTransport.TLS).mode(SipMode.PAGER)
                .requestTimeout(Duration.ofSeconds(5))
                .tls(TlsSettings.of(AUTHORITY.issue("alice", "IP:127.0.0.1").sslContext(AUTHORITY))
                        .withHostnameVerification(verify))
                .build());
    }

    @Test
    void aCertificateForTheHostWeConnectToIsAccepted() throws Exception {
        start(AUTHORITY.issue("bob", "IP:127.0.0.1"), AUTHORITY, true);
        assertThat(alice.sendMessage(SipTesting.address(bob), SipTesting.TYPE, BODY).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        start(AUTHORITY.issue("sip.other.example", "DNS:sip.other.example"), AUTHORITY, true);
        assertThatThrownBy(() -> alice.sendMessage(SipTesting.address(bob), SipTesting.TYPE, BODY).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class,
                        e -> assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TRANSPORT))
                .hasStackTraceContaining("No subject alternative").hasStackTraceContaining("127.0.0.1");
        assertThat(bob.receivedRequests()).as("nothing reached bob").isEmpty();
    }

    @Test
    void withVerificationOffAnotherNameIsAcceptedButStillOnlyFromATrustedAuthority() throws Exception {
        start(AUTHORITY.issue("sip.other.example", "DNS:sip.other.example"), AUTHORITY, false);
        assertThat(alice.sendMessage(SipTesting.address(bob), SipTesting.TYPE, BODY).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        alice.close();
        bob.close();

        start(STRANGER.issue("bob", "IP:127.0.0.1"), STRANGER, false);
        assertThatThrownBy(() -> alice.sendMessage(SipTesting.address(bob), SipTesting.TYPE, BODY).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasStackTraceContaining("PKIX");
        assertThat(bob.receivedRequests()).isEmpty();
    }
}
