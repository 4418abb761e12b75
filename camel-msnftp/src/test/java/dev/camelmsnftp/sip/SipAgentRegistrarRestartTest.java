package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.TestCertificates;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Kamailio registrar restarted under registered users (it keeps locations in memory, so it forgets every
 * registration): the callee is reachable through it again within seconds of its return, on every transport (UDP, TCP,
 * TLS), with the default settings. The time from Kamailio answering again to the first message that reaches the callee is measured
 * and printed; the goal is 30 s at most.
 */
class SipAgentRegistrarRestartTest {

    static final TestCertificates AUTHORITY = TestCertificates.authority("msnftp recovery test authority");

    /** UDP and TCP on one port, TLS on another (a certificate for 127.0.0.1). */
    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension()
            .withTls("tls", AUTHORITY.issue("kamailio", "IP:127.0.0.1"));

    static final String TYPE = SipTesting.TYPE;
    static final String BOB = "sip:bob@" + KamailioExtension.DOMAIN;
    static final Duration GOAL = Duration.ofSeconds(30);

    private static SipAgentConfig.Builder user(String name, SipTransport transport) throws Exception {
        String proxy = transport == SipTransport.TLS ? KAMAILIO.tlsAddress("tls") : KAMAILIO.address();
        SipAgentConfig.Builder builder = SipAgentConfig.builder(name + "@" + KamailioExtension.DOMAIN)
                .sipHost("127.0.0.1").sipPort(0).transport(transport).registrar(proxy).outboundProxy(proxy)
                .password(KamailioExtension.PASSWORD).requestTimeout(Duration.ofSeconds(5));
        if (transport == SipTransport.TLS) {
            builder.tls(TlsSettings.of(AUTHORITY.issue(name, "IP:127.0.0.1").sslContext(AUTHORITY)));
        }
        return builder;
    }

    @ParameterizedTest
    @EnumSource(SipTransport.class)
    void aRestartedRegistrarReachesTheCalleeAgainWithinSeconds(SipTransport transport) throws Exception {
        BlockingQueue<IncomingMessage> atBob = new LinkedBlockingQueue<>();
        try (SipAgent alice = SipAgent.start(user("alice", transport).build());
             SipAgent bob = SipAgent.start(user("bob", transport).build())) {
            bob.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atBob));
            assertThat(send(alice, "before")).as("reachable before the restart").isEqualTo(200);
            assertThat(atBob.poll(10, TimeUnit.SECONDS)).isNotNull();

            KAMAILIO.restart();
            long back = System.nanoTime();

            AtomicInteger attempts = new AtomicInteger();
            try {
                await("bob reachable again").atMost(GOAL.plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .pollInSameThread().until(() -> send(alice, "after " + attempts.incrementAndGet()) == 200);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("bob not reachable again; Kamailio log:\n" + KAMAILIO.log(), e);
            }
            Duration reachable = Duration.ofNanos(System.nanoTime() - back);
            System.out.printf("Registrar restart over %s: bob reachable again %d ms after Kamailio returned"
                              + " (%d attempts, keepAliveInterval %s)%n", transport, reachable.toMillis(), attempts.get(),
                    bob.config().keepAliveInterval());
            assertThat(reachable).as("reachable again within the goal").isLessThanOrEqualTo(GOAL);
            IncomingMessage received = atBob.poll(10, TimeUnit.SECONDS);
            assertThat(received).isNotNull();
            assertThat(received.from().addressOfRecord()).isEqualTo("alice@" + KamailioExtension.DOMAIN);
            assertThat(bob.registrationState()).isEqualTo(RegistrationState.REGISTERED);
        }
    }

    /** A pager MESSAGE from alice to bob through the proxy; its final status (0 when none came). */
    private static int send(SipAgent alice, String text) throws InterruptedException {
        // the agent's own time-out (5 s) ends every attempt
        try {
            return alice.sendMessage(BOB, TYPE, text.getBytes(StandardCharsets.UTF_8), SipMode.PAGER)
                    .get(10, TimeUnit.SECONDS).status();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e.getCause();
            return cause instanceof SipAgentException sip ? sip.status().orElse(0) : 0;
        }
    }
}
