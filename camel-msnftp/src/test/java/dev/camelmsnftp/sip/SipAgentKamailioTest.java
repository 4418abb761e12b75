package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Through a real Kamailio registrar and proxy, with digest authentication. */
class SipAgentKamailioTest {

    static final TestCertificates AUTHORITY = TestCertificates.authority("msnftp test authority");

    /** Plain UDP and TCP, and two TLS ports: one whose certificate names 127.0.0.1, one for another name. */
    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension()
            .withTls("right", AUTHORITY.issue("kamailio", "IP:127.0.0.1"))
            .withTls("other", AUTHORITY.issue("sip.other.example", "DNS:sip.other.example"));

    static final String TYPE = SipTesting.TYPE;
    static final String BOB = "sip:bob@" + KamailioExtension.DOMAIN;

    /** A user registered through Kamailio over {@code transport}; over TLS, at the port whose certificate names it. */
    private static SipAgentConfig.Builder user(String name, SipTransport transport, String password) {
        if (transport == SipTransport.TLS) {
            return tlsUser(name, KAMAILIO.tlsAddress("right")).password(password);
        }
        return SipAgentConfig.builder(name + "@" + KamailioExtension.DOMAIN).sipHost("127.0.0.1").sipPort(0)
                .transport(transport).registrar(KAMAILIO.address()).outboundProxy(KAMAILIO.address())
                .password(password).requestTimeout(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(SipTransport.class)
    void registeredUsersReachEachOtherThroughTheProxyInBothModes(SipTransport transport) throws Exception {
        BlockingQueue<IncomingMessage> atBob = new LinkedBlockingQueue<>();
        BlockingQueue<IncomingMessage> atAlice = new LinkedBlockingQueue<>();
        try (SipAgent alice = SipAgent.start(user("alice", transport, KamailioExtension.PASSWORD).build());
             SipAgent bob = SipAgent.start(user("bob", transport, KamailioExtension.PASSWORD).build())) {
            assertThat(alice.registrationState()).isEqualTo(RegistrationState.REGISTERED);
            assertThat(bob.registrationState()).isEqualTo(RegistrationState.REGISTERED);
            bob.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atBob));
            alice.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atAlice));
            for (SipMode mode : SipMode.values()) {
                byte[] body = ("Invitation-Command: INVITE\r\nApplication-File: über " + mode + ".txt\r\n")
                        .getBytes(StandardCharsets.UTF_8);
                assertThat(alice.sendMessage(BOB, TYPE, body, mode).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                IncomingMessage received = atBob.poll(10, TimeUnit.SECONDS);
                assertThat(received).as("%s message through the proxy", mode).isNotNull();
                assertThat(received.body()).isEqualTo(body);
                assertThat(received.from().addressOfRecord()).isEqualTo("alice@" + KamailioExtension.DOMAIN);
                assertThat(received.inDialog()).isEqualTo(mode == SipMode.SESSION);

                byte[] answer = ("Invitation-Command: ACCEPT " + mode).getBytes(StandardCharsets.UTF_8);
                assertThat(received.reply(TYPE, answer).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                IncomingMessage reply = atAlice.poll(10, TimeUnit.SECONDS);
                assertThat(reply).as("%s reply through the proxy", mode).isNotNull();
                assertThat(reply.body()).isEqualTo(answer);
            }
            assertThat(bob.receivedRequests().get("INVITE")).isEqualTo(1L);
        }
    }

    private static SipAgentConfig.Builder tlsUser(String name, String proxy) {
        return SipAgentConfig.builder(name + "@" + KamailioExtension.DOMAIN).sipHost("127.0.0.1").sipPort(0)
                .transport(SipTransport.TLS).registrar(proxy).outboundProxy(proxy).password(KamailioExtension.PASSWORD)
                .requestTimeout(Duration.ofSeconds(5))
                .tls(TlsSettings.of(AUTHORITY.issue(name, "IP:127.0.0.1").sslContext(AUTHORITY)));
    }

    @Test
    void overTlsAProxyWhoseCertificateNamesAnotherHostIsRefused() {
        assertThatThrownBy(() -> SipAgent.start(tlsUser("alice", KAMAILIO.tlsAddress("other")).build()))
                .isInstanceOfSatisfying(SipAgentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TRANSPORT);
                    assertThat(e.getMessage()).contains("Cannot register").contains("No subject alternative names")
                            .contains("check the registrar option");
                })
                .hasStackTraceContaining("No subject alternative").hasStackTraceContaining("127.0.0.1");
    }

    @Test
    void aWrongPasswordFailsWithAClearError() {
        assertThatThrownBy(() -> SipAgent.start(user("mallory", SipTransport.UDP, "not-the-password").build()))
                .isInstanceOfSatisfying(SipAgentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SipAgentException.Kind.AUTHENTICATION_FAILED);
                    assertThat(e.status()).hasValue(401);
                    assertThat(e.getMessage()).contains("Cannot register").contains("401").contains("password");
                });
    }

    @Test
    void aMessageToAUserWhoUnregisteredFailsWith404Or480() throws Exception {
        try (SipAgent alice = SipAgent.start(user("alice", SipTransport.UDP, KamailioExtension.PASSWORD).build())) {
            SipAgent bob = SipAgent.start(user("bob", SipTransport.UDP, KamailioExtension.PASSWORD).build());
            bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
            alice.sendMessage(BOB, TYPE, new byte[] { 'x' }, SipMode.PAGER).get(10, TimeUnit.SECONDS);
            bob.close();
            assertThat(bob.registrationState()).isEqualTo(RegistrationState.UNREGISTERED);
            for (SipMode mode : SipMode.values()) {
                assertThatThrownBy(() -> alice.sendMessage(BOB, TYPE, new byte[] { 'x' }, mode).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOfSatisfying(SipAgentException.class, e -> {
                            assertThat(e.kind()).isEqualTo(SipAgentException.Kind.REJECTED);
                            assertThat(e.status().getAsInt()).isIn(404, 480);
                        });
            }
        }
    }
}
