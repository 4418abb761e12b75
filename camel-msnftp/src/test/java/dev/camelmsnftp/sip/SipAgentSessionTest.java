package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** IM sessions (SPEC 3.3): reused while open, closed with BYE by either side or when idle. */
class SipAgentSessionTest {

    static final String TYPE = SipTesting.TYPE;
    static final byte[] BODY = "Invitation-Command: INVITE\r\nInvitation-Cookie: 1\r\n".getBytes(StandardCharsets.UTF_8);

    private SipAgent alice;
    private SipAgent bob;
    private final AtomicInteger atBob = new AtomicInteger();

    private void start(SipTransport transport, Duration idle) throws SipAgentException {
        alice = SipAgent.start(config("alice", transport).sessionIdleTimeout(idle).build());
        bob = SipAgent.start(config("bob", transport).build());
        bob.addMessageListener("text/x-msmsgsinvite", message -> {
            atBob.incrementAndGet();
            return 200;
        });
    }

    private static SipAgentConfig.Builder config(String user, SipTransport transport) {
        return SipTesting.onLoopback(user, transport).requestTimeout(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    private String bobAddress() {
        return SipTesting.address(bob);
    }

    private long bobReceived(String method) {
        return bob.receivedRequests().getOrDefault(method, 0L);
    }

    /**
     * A callee whose listeners take no sessions now answers the opening INVITE 480 (a forking proxy then takes another
     * instance's answer); once one does, the next message opens a session as usual. Both transports.
     */
    @ParameterizedTest
    @EnumSource(value = SipTransport.class, names = { "UDP", "TCP" })
    void aCalleeThatTakesNoSessionsNowAnswersTheInvite480(SipTransport transport) throws Exception {
        alice = SipAgent.start(config("alice", transport).build());
        bob = SipAgent.start(config("bob", transport).build());
        AtomicBoolean receiving = new AtomicBoolean(false);
        bob.addMessageListener(TYPE, new MessageListener() {
            @Override
            public int onMessage(IncomingMessage message) {
                atBob.incrementAndGet();
                return 200;
            }

            @Override
            public boolean acceptsSessions() {
                return receiving.get();
            }
        });
        assertThatThrownBy(() -> alice.sendMessage(bobAddress(), TYPE, BODY, SipMode.SESSION).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class,
                        e -> assertThat(e.status()).hasValue(480));
        assertThat(atBob).hasValue(0);

        receiving.set(true);
        assertThat(alice.sendMessage(bobAddress(), TYPE, BODY, SipMode.SESSION).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        assertThat(atBob).hasValue(1);
    }

    @Test
    void oneSessionCarriesTenMessagesThenTheCallerClosesItWithBye() throws Exception {
        start(SipTransport.TCP, Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            assertThat(alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(atBob).hasValue(10);
        assertThat(bobReceived("INVITE")).as("one INVITE for ten messages").isEqualTo(1);
        assertThat(bobReceived("MESSAGE")).isEqualTo(10);
        assertThat(alice.openSessions()).isEqualTo(1);
        assertThat(bob.incomingSessions()).isEqualTo(1);

        alice.closeSession(bobAddress()).get(10, TimeUnit.SECONDS);
        assertThat(bobReceived("BYE")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.incomingSessions() == 0);
        assertThat(alice.openSessions()).isZero();

        alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS);
        assertThat(bobReceived("INVITE")).as("a closed session is not reused").isEqualTo(2);
    }

    @Test
    void theCalleeClosesTheSessionWithByeAndTheNextMessageOpensANewOne() throws Exception {
        start(SipTransport.UDP, Duration.ofMinutes(1));
        alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS);
        assertThat(alice.openSessions()).isEqualTo(1);

        bob.closeAllSessions().get(10, TimeUnit.SECONDS);
        assertThat(alice.receivedRequests().getOrDefault("BYE", 0L)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.openSessions() == 0);

        alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS);
        assertThat(bobReceived("INVITE")).isEqualTo(2);
        assertThat(atBob).hasValue(2);
    }

    @Test
    void anIdleSessionIsClosedWithBye() throws Exception {
        start(SipTransport.UDP, Duration.ofMillis(300));
        alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> bobReceived("BYE") == 1 && alice.openSessions() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.incomingSessions() == 0);
    }

    @Test
    void concurrentFirstMessagesShareOneInvite() throws Exception {
        start(SipTransport.UDP, Duration.ofMinutes(1));
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<SipResponse>>();
        for (int i = 0; i < 5; i++) {
            futures.add(alice.sendMessage(bobAddress(), TYPE, BODY));
        }
        for (var future : futures) {
            assertThat(future.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(bobReceived("INVITE")).isEqualTo(1);
        assertThat(atBob).hasValue(5);
    }

    @Test
    void stoppingTheAgentByesItsSessions() throws Exception {
        start(SipTransport.UDP, Duration.ofMinutes(1));
        alice.sendMessage(bobAddress(), TYPE, BODY).get(10, TimeUnit.SECONDS);
        alice.close();
        assertThat(bobReceived("BYE")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.incomingSessions() == 0);
    }
}
