package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.KamailioExtension.Forking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three agents registered as one user at a real Kamailio that forks in parallel: an IM session opened to that user
 * is answered 200 by each of them, and the caller keeps the first dialog and ends the others with ACK and BYE (RFC
 * 3261 13.2.2.4), so that no instance is left holding a session nobody will use.
 */
class SipAgentForkingTest {

    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension(Forking.PARALLEL);

    static final String BOB = "sip:bob@" + KamailioExtension.DOMAIN;

    private static SipAgentConfig.Builder user(String name) {
        return SipAgentConfig.builder(name + "@" + KamailioExtension.DOMAIN).sipHost("127.0.0.1").sipPort(0)
                .transport(SipTransport.UDP).registrar(KAMAILIO.address()).outboundProxy(KAMAILIO.address())
                .password(KamailioExtension.PASSWORD).requestTimeout(Duration.ofSeconds(8));
    }

    @Test
    void aForkedInviteKeepsTheFirstSessionAndEndsTheOthersWithAckAndBye() throws Exception {
        List<SipAgent> bobs = new ArrayList<>();
        List<BlockingQueue<IncomingMessage>> inboxes = new ArrayList<>();
        try (SipAgent alice = SipAgent.start(user("alice").build())) {
            for (int i = 0; i < 3; i++) {
                SipAgent bob = SipAgent.start(user("bob").build());
                BlockingQueue<IncomingMessage> inbox = new LinkedBlockingQueue<>();
                bob.addMessageListener("text/plain", SipTesting.collectInto(inbox));
                bobs.add(bob);
                inboxes.add(inbox);
            }
            for (int i = 0; i < 3; i++) {
                byte[] body = ("message " + i).getBytes(StandardCharsets.UTF_8);
                assertThat(alice.sendMessage(BOB, "text/plain", body, SipMode.SESSION).get(15, TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                int answered = 0;
                for (SipAgent bob : bobs) {
                    long invites = bob.receivedRequests().getOrDefault("INVITE", 0L);
                    answered += invites > 0 ? 1 : 0;
                }
                assertThat(answered).as("instances the INVITE was forked to").isEqualTo(3);
                assertThat(bobs.stream().mapToInt(SipAgent::incomingSessions).sum())
                        .as("IM sessions still open at the instances").isEqualTo(1);
            });
            int chosen = -1;
            for (int i = 0; i < 3; i++) {
                if (!inboxes.get(i).isEmpty()) {
                    assertThat(chosen).as("only one instance gets messages").isEqualTo(-1);
                    chosen = i;
                }
            }
            assertThat(chosen).as("the instance whose session was kept").isNotEqualTo(-1);
            assertThat(inboxes.get(chosen)).hasSize(3);
            assertThat(bobs.get(chosen).incomingSessions()).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                if (i != chosen) {
                    assertThat(bobs.get(i).receivedRequests()).as("instance %d, whose 200 came too late", i)
                            .containsEntry("INVITE", 1L).containsEntry("ACK", 1L).containsEntry("BYE", 1L)
                            .doesNotContainKey("MESSAGE");
                }
            }
            assertThat(alice.openSessions()).isEqualTo(1);
        } finally {
            bobs.forEach(SipAgent::close);
        }
    }
}
