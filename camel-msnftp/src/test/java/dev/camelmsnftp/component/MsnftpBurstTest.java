package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.testsupport.FreePorts;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bursts of offers: those beyond maxConcurrentTransfers wait for a slot (maxQueuedOffers) and are answered when one
 * frees, so a burst needs no redelivery; an offer that waited acceptTimeout in vain, or found the queue full, is
 * declined with CANCEL FAIL.
 */
class MsnftpBurstTest extends MsnftpTestSupport {

    static final int BURST = 200;
    static final int QUINN_PORT = FreePorts.udpAndTcp();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob: the defaults, 16 transfer slots and 256 places in the queue
                from(bobReceives("*", "acceptTimeout=30s&transferTimeout=30s")).routeId("bob").to("mock:bob");
                // quinn: one slot, one place in the queue; a file named hold* keeps the slot until the test releases it
                from(uri("*", "quinn", QUINN_PORT, "maxConcurrentTransfers=1&maxQueuedOffers=1&acceptTimeout=3s"))
                        .routeId("quinn")
                        .process(exchange -> {
                            if (exchange.getIn().getHeader(Exchange.FILE_NAME, String.class).startsWith("hold")) {
                                holding.countDown();
                                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                            }
                        }).to("mock:quinn");
            }
        };
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    void aBurstOf200OffersInPagerModeIsDeliveredWithoutARedelivery() throws Exception {
        MockEndpoint bob = getMockEndpoint("mock:bob");
        bob.expectedMessageCount(BURST);
        String toBob = toBob("sipMode=pager&maxConcurrentTransfers=" + BURST + "&acceptTimeout=30s&transferTimeout=30s");
        ExecutorService senders = Executors.newFixedThreadPool(BURST);
        try {
            List<Future<Exchange>> sent = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                String name = "burst-" + i + ".bin";
                sent.add(senders.submit(() -> template.send(toBob, exchange -> {
                    exchange.getIn().setBody(new byte[10_000]);
                    exchange.getIn().setHeader(Exchange.FILE_NAME, name);
                })));
            }
            for (Future<Exchange> exchange : sent) {
                assertThat(exchange.get(120, TimeUnit.SECONDS).getException()).as("no offer refused").isNull();
            }
        } finally {
            senders.shutdownNow();
        }
        bob.assertIsSatisfied(30_000);
    }

    @Test
    void anOfferWaitsForAFreedSlotAndIsDeclinedWhenItWaitedInVainOrFoundTheQueueFull() throws Exception {
        String quinn = "sip:quinn@127.0.0.1:" + QUINN_PORT;
        MockEndpoint received = getMockEndpoint("mock:quinn");
        received.expectedMessageCount(1);
        Future<Exchange> held = Executors.newSingleThreadExecutor().submit(() -> template.send(alice(quinn, ""),
                exchange -> {
                    exchange.getIn().setBody("keeps the only slot");
                    exchange.getIn().setHeader(Exchange.FILE_NAME, "hold.txt");
                }));
        assertThat(holding.await(20, TimeUnit.SECONDS)).as("the slot is taken").isTrue();
        try (ScriptedPeer sam = new ScriptedPeer("sam")) {
            Invitation waits = Invitation.invite(Cookies.next(), "waits.bin", 10).connectivityN().build();
            sam.send(quinn, waits);
            Invitation tooMany = Invitation.invite(Cookies.next(), "too-many.bin", 10).connectivityN().build();
            sam.send(quinn, tooMany);

            Invitation refused = sam.next(Duration.ofSeconds(5)).invitation();
            assertThat(refused.cookie()).as("the queue is full: declined at once").isEqualTo(tooMany.cookie());
            assertThat(refused.cancelCode()).contains(CancelCode.FAIL);
            Invitation expired = sam.next(Duration.ofSeconds(10)).invitation();
            assertThat(expired.cookie()).as("no slot freed within acceptTimeout").isEqualTo(waits.cookie());
            assertThat(expired.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(expired.cancelCode()).contains(CancelCode.FAIL);

            Invitation next = Invitation.invite(Cookies.next(), "next.bin", 10).connectivityN().build();
            sam.send(quinn, next);
            assertThat(sam.drain()).as("it waits, unanswered").isEmpty();
            release.countDown();
            Invitation accepted = sam.next(Duration.ofSeconds(10)).invitation();
            assertThat(accepted.cookie()).as("answered when the slot freed").isEqualTo(next.cookie());
            assertThat(accepted.command()).isEqualTo(InvitationCommand.ACCEPT);
            sam.send(quinn, Invitation.cancel(next.cookie(), CancelCode.OUTBANDCANCEL).build());
            await("its port closed").atMost(Duration.ofSeconds(10)).until(() -> !accepts(accepted.port().getAsInt()));
        } finally {
            release.countDown();
        }
        assertThat(held.get(20, TimeUnit.SECONDS).getException()).isNull();
        received.assertIsSatisfied(10_000);
        var counts = ((MsnftpEndpoint) context.getRoute("quinn").getEndpoint()).getStatistics();
        await("what JMX, metrics and the dev console count").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(counts.rejected()).as("the full queue and the vain wait: rejected").isEqualTo(2);
            assertThat(counts.completed()).as("the file that held the slot").isEqualTo(1);
            assertThat(counts.failed()).as("the one the sender cancelled once accepted").isEqualTo(1);
        });
    }
}
