package dev.camelmsnftp.component;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.camelmsnftp.testsupport.SipRelay;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * File transfers over a SIP path that loses 20 % of the datagrams and delays, duplicates and reorders the rest, and
 * replays some (non-INVITE) requests as new transactions as a retrying proxy would (a relay in the test, {@link SipRelay}; the
 * MSNFTP connection itself is direct): in both SIP modes and flows A and B,
 * every transfer completes, or fails cleanly (a {@link TransferException}) within its time-outs, and no file is
 * delivered twice or delivered while its sender was told it failed.
 */
class MsnftpLossySipTest extends MsnftpTestSupport {

    static final long SEED = Long.getLong("msnftp.lossy.seed", System.nanoTime());
    static final SipRelay RELAY = relay();
    static final int TRANSFERS_PER_CASE = 6;
    static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(20);
    static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(10);
    /** The longest a transfer may take by its time-outs: INVITE, answer, our ACCEPT (flow A), connection; silences. */
    static final Duration BOUND = ACCEPT_TIMEOUT.multipliedBy(4).plus(TRANSFER_TIMEOUT.multipliedBy(2));

    private static SipRelay relay() {
        try {
            return new SipRelay(ALICE_PORT, BOB_PORT, SEED).impair(new SipRelay.Impairment(0.20, 0.05, 120, 0.05));
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeRelay() {
        RELAY.close();
    }

    private final Map<Long, List<String>> deliveredByCookie = new ConcurrentHashMap<>();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "acceptTimeout=" + ACCEPT_TIMEOUT.toSeconds() + "s&transferTimeout="
                                      + TRANSFER_TIMEOUT.toSeconds() + "s&exceptionHandler=#failures"))
                        .process(checksum()).process(exchange -> deliveredByCookie.computeIfAbsent(
                                exchange.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class),
                                cookie -> new CopyOnWriteArrayList<>()).add(exchange.getIn().getHeader(SHA256, String.class)));
            }
        };
    }

    /** One transfer as the sender saw it. */
    record Outcome(String name, String sha256, Long cookie, Exception failure, long millis) {
    }

    @Test
    void everyTransferCompletesOrFailsCleanlyAndNoneIsDeliveredTwice() throws Exception {
        List<String> cases = List.of("session A", "session B", "pager A", "pager B");
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(cases.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String name : cases) {
                running.add(senders.submit(() -> {
                    String[] parts = name.split(" ");
                    String uri = alice("sip:bob@127.0.0.1:" + RELAY.portForA(), "sipMode=" + parts[0] + "&connectivity="
                                                                                 + parts[1].equals("A") + "&acceptTimeout="
                                                                                 + ACCEPT_TIMEOUT.toSeconds() + "s&transferTimeout="
                                                                                 + TRANSFER_TIMEOUT.toSeconds() + "s");
                    for (int i = 0; i < TRANSFERS_PER_CASE; i++) {
                        outcomes.add(send(uri, name + " " + i));
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get(BOUND.toSeconds() * TRANSFERS_PER_CASE, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }

        Map<String, List<Outcome>> byCase = outcomes.stream().collect(Collectors.groupingBy(
                outcome -> outcome.name().substring(0, outcome.name().lastIndexOf(' '))));
        List<Outcome> completed = outcomes.stream().filter(outcome -> outcome.failure() == null).toList();
        for (String name : cases) {
            List<Outcome> mine = byCase.get(name);
            System.out.printf("Lossy SIP, %s: %d of %d completed, failures %s, longest %d ms%n", name,
                    mine.stream().filter(outcome -> outcome.failure() == null).count(), mine.size(),
                    mine.stream().filter(outcome -> outcome.failure() != null)
                            .map(outcome -> outcome.failure().getClass().getSimpleName() + ": "
                                            + outcome.failure().getMessage()).toList(),
                    mine.stream().mapToLong(Outcome::millis).max().orElse(0));
        }
        System.out.printf("Lossy SIP relay (seed %d): %s%n", SEED, RELAY.counts());

        assertThat(outcomes).hasSize(cases.size() * TRANSFERS_PER_CASE);
        assertThat(outcomes).as("every failure is a transfer failure, within the time-outs").allSatisfy(outcome -> {
            assertThat(outcome.millis()).isLessThan(BOUND.toMillis());
            if (outcome.failure() != null) {
                assertThat(outcome.failure()).isInstanceOf(TransferException.class);
            }
        });
        assertThat(completed.size()).as("most complete despite the loss").isGreaterThanOrEqualTo(outcomes.size() / 2);
        await("each completed transfer delivered").atMost(Duration.ofSeconds(20))
                .until(() -> deliveredByCookie.keySet().containsAll(completed.stream().map(Outcome::cookie).toList()));

        Map<Long, Outcome> sentByCookie = outcomes.stream().filter(outcome -> outcome.cookie() != null)
                .collect(Collectors.toMap(Outcome::cookie, Function.identity()));
        deliveredByCookie.forEach((cookie, shas) -> {
            assertThat(shas).as("cookie %d delivered once", cookie).hasSize(1);
            Outcome sent = sentByCookie.get(cookie);
            assertThat(sent).as("cookie %d was sent", cookie).isNotNull();
            assertThat(sent.failure()).as("cookie %d delivered: its sender was told so", cookie).isNull();
            assertThat(shas.get(0)).as("cookie %d intact", cookie).isEqualTo(sent.sha256());
        });
        assertThat(deliveredByCookie).hasSize(completed.size());
        assertThat(consumerFailures).as("the receiver's failures are transfer failures too")
                .allSatisfy(failure -> assertThat(failure).isInstanceOf(TransferException.class));
        await("no partial file left").atMost(Duration.ofSeconds(10)).until(() -> isEmptyDir(bobWorkDir()));
        Map<String, Long> counts = RELAY.counts();
        assertThat(counts.get("lost")).as("datagrams lost").isPositive();
        assertThat(counts.get("duplicated")).as("datagrams duplicated").isPositive();
        assertThat(counts.get("reordered")).as("datagrams reordered").isPositive();
        assertThat(counts.get("replayed")).as("requests replayed as new transactions").isPositive();
    }

    private Outcome send(String uri, String name) throws Exception {
        byte[] content = new byte[1 + new Random(name.hashCode()).nextInt(200_000)];
        new Random(name.hashCode() * 31L).nextBytes(content);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        long start = System.nanoTime();
        Exchange sent = template.send(uri, exchange -> {
            exchange.getIn().setHeader(Exchange.FILE_NAME, name.replace(' ', '-') + ".bin");
            exchange.getIn().setBody(content);
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Outcome(name, sha, sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class),
                sent.getException(), millis);
    }
}
