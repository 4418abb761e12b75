package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.camelmsnftp.testsupport.SipRelay;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver whose ACCEPT never gets through (the network between the SIP agents drops it, and every retransmission
 * of it) gives up when its SIP request times out (10 s), ends that SIP transaction (no ACCEPT reaches the sender
 * afterwards) and tells the sender with {@code CANCEL TIMEOUT}: the sender fails then, not after its whole
 * {@code acceptTimeout} (30 s here). In both SIP modes and flows A and B, the four at once.
 */
class MsnftpAcceptGiveUpTest extends MsnftpTestSupport {

    static final SipRelay RELAY = relay();
    static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(30);

    private static SipRelay relay() {
        try {
            return new SipRelay(ALICE_PORT, BOB_PORT, 12).dropIf(datagram -> !datagram.fromA()
                                                                         && isAccept(datagram.text()));
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isAccept(String datagram) {
        return datagram.startsWith("MESSAGE ") && datagram.contains("Invitation-Command: ACCEPT");
    }

    static boolean isCancel(String datagram) {
        return datagram.startsWith("MESSAGE ") && datagram.contains("Invitation-Command: CANCEL");
    }

    @AfterAll
    static void closeRelay() {
        RELAY.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "acceptTimeout=30s&exceptionHandler=#failures")).to("mock:received");
            }
        };
    }

    private static String aliceVia(String mode, boolean connectivity) {
        return alice("sip:bob@127.0.0.1:" + RELAY.portForA(), "sipMode=" + mode + "&connectivity=" + connectivity
                                                                + "&acceptTimeout=" + ACCEPT_TIMEOUT.toSeconds() + "s");
    }

    @Test
    void aReceiverThatCannotDeliverItsAcceptCancelsAndTheSenderFailsThenNotAfterItsAcceptTimeout() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);
        List<String> cases = List.of("session A", "session B", "pager A", "pager B");
        List<CompletableFuture<Exchange>> sends = new ArrayList<>();
        Map<Integer, Long> tookMillis = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        for (String name : cases) {
            String[] parts = name.split(" ");
            int index = sends.size();
            sends.add(template.asyncSend(aliceVia(parts[0], parts[1].equals("A")),
                    exchange -> exchange.getIn().setBody(new byte[10_000]))
                    .whenComplete((done, error) -> tookMillis.put(index, (System.nanoTime() - start) / 1_000_000)));
        }

        for (int i = 0; i < cases.size(); i++) {
            Exchange sent = sends.get(i).get(ACCEPT_TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS);
            long took = tookMillis.get(i);
            System.out.printf("ACCEPT give-up, %s: the producer failed after %d ms (%s)%n", cases.get(i), took,
                    sent.getException());
            assertThat(sent.getException()).as(cases.get(i)).isInstanceOfSatisfying(TransferRejectedException.class,
                    e -> assertThat(e.cancelCode()).hasValue("TIMEOUT"));
            assertThat(took).as("%s: told by the receiver's CANCEL, well before acceptTimeout", cases.get(i))
                    .isLessThan(ACCEPT_TIMEOUT.toMillis() - 5_000);
        }
        for (int i = 0; i < cases.size(); i++) {
            Throwable failure = consumerFailures.poll(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(TransferTimeoutException.class).hasMessageContaining("ACCEPT");
        }
        received.assertIsSatisfied();

        // per transfer, every ACCEPT (retransmissions included) came before the receiver's CANCEL, none after: its SIP
        // transaction ended when it gave up (JAIN-SIP alone would retransmit until its own 32 s time-out)
        Map<String, Long> firstCancel = new HashMap<>();
        Map<String, Long> lastAccept = new HashMap<>();
        int accepts = 0;
        for (SipRelay.Datagram datagram : RELAY.seen()) {
            if (datagram.fromA()) {
                continue;
            }
            if (isCancel(datagram.text())) {
                firstCancel.merge(cookie(datagram.text()), datagram.nanos(), Math::min);
            } else if (isAccept(datagram.text())) {
                accepts++;
                lastAccept.merge(cookie(datagram.text()), datagram.nanos(), Math::max);
            }
        }
        assertThat(firstCancel.keySet()).as("a CANCEL for each transfer").hasSize(cases.size())
                .isEqualTo(lastAccept.keySet());
        for (String cookie : firstCancel.keySet()) {
            assertThat(lastAccept.get(cookie)).as("the last ACCEPT of cookie %s came before its CANCEL", cookie)
                    .isLessThan(firstCancel.get(cookie));
        }
        assertThat(accepts).as("the ACCEPTs were retransmitted, and dropped").isGreaterThanOrEqualTo(cases.size() * 2);
        assertThat(RELAY.counts().get("filtered")).isEqualTo((long) accepts);
    }

    private static String cookie(String datagram) {
        Matcher matcher = Pattern.compile("Invitation-Cookie: (\\d+)").matcher(datagram);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }
}
