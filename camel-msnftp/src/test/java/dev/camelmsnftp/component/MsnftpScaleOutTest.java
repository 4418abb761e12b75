package dev.camelmsnftp.component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.camelmsnftp.testsupport.ChildJvm;
import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.KamailioExtension.Forking;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out through a real Kamailio forking in parallel: three consumer JVMs registered as bob and two producer JVMs
 * registered as alice (each a Camel route, {@link ScaleOutInstance}), a few hundred small files and a few large ones
 * in both SIP modes. Every file is delivered exactly once (checked by content hash), though one consumer is killed
 * with SIGKILL while it receives: its transfers fail at the producers, Camel's redelivery sends them again, they land
 * on the live instances, and Kamailio drops the dead contact. Prints how the files spread over the instances.
 * <p>
 * One window of a crash is allowed, and checked for what it is: a file the killed instance routed but whose success
 * its producer did not hear is delivered again (acknowledge=afterRoute, the default: at least once). A file whose
 * bytes the killed instance had but had not routed yet is not lost: its producer was not told "delivered" and sends it
 * again, so it is delivered by a live instance.
 */
class MsnftpScaleOutTest {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpScaleOutTest.class);

    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension(Forking.PARALLEL);

    static final int CONSUMERS = 3;
    static final int PRODUCERS = 2;
    static final int SMALL_PER_MODE = 150;
    static final int LARGE_PER_MODE = 2;
    static final int LARGE_SIZE = 6 << 20;
    static final List<String> MODES = List.of("session", "pager");
    /**
     * Consumers take more transfers at once than the producers send (2 x 8), so that none is declined for want of a slot
     * (an instance that saw a pager offer holds a slot until its ACCEPT is turned down).
     */
    static final String CONSUMER_OPTIONS = "acceptTimeout=10s&transferTimeout=10s&maxConcurrentTransfers=32";
    static final String PRODUCER_OPTIONS = "acceptTimeout=10s&transferTimeout=10s";
    /** Once every producer had its last word: how long the consumers may stay silent before the test stops waiting. */
    static final Duration QUIET = Duration.ofSeconds(15);

    /** In target, kept when the test fails (the processes' logs are there), deleted when it passes. */
    private Path dir;
    private final List<ChildJvm> started = new ArrayList<>();
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

    /** A line one of the processes printed. */
    record Line(ChildJvm from, String text) {
    }

    /** A file a consumer's route got, and whether it was after the kill. */
    record Delivery(String instance, String file, String cookie, boolean afterKill) {
    }

    @BeforeEach
    void workDirectory() throws IOException {
        dir = Files.createDirectories(Path.of("target", "scale-out", Long.toString(System.currentTimeMillis())))
                .toAbsolutePath();
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (ChildJvm jvm : started) {
            jvm.close();
        }
        if (Files.exists(dir)) {
            LOG.warn("The logs of the processes are kept in {}", dir);
        }
    }

    private ChildJvm start(String role, String instance) throws IOException {
        Path work = dir.resolve(instance);
        Files.createDirectories(work);
        ChildJvm jvm = ChildJvm.builder(ScaleOutInstance.class, dir.resolve(instance + ".log")).name(instance)
                .jvmOptions("-Dorg.slf4j.simpleLogger.log.dev.camelmsnftp=info")
                .args(role, instance, KAMAILIO.address(), work.toString(),
                        role.equals("consume") ? CONSUMER_OPTIONS : PRODUCER_OPTIONS)
                .onLine((from, text) -> lines.add(new Line(from, text))).start();
        started.add(jvm);
        return jvm;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void eachFileIsDeliveredExactlyOnceByOneOfThreeConsumersThoughOneIsKilledMidRun() throws Exception {
        Map<String, String> hashOf = new LinkedHashMap<>();
        Map<String, String> modeOf = new HashMap<>();
        List<String> toSend = new ArrayList<>();
        Random random = new Random(16);
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        for (String mode : MODES) {
            for (int i = 0; i < SMALL_PER_MODE + LARGE_PER_MODE; i++) {
                byte[] content = new byte[i < LARGE_PER_MODE ? LARGE_SIZE : 1 + random.nextInt(16 << 10)];
                random.nextBytes(content);
                Path file = Files.write(outbox.resolve(mode + "-" + i + ".bin"), content);
                hashOf.put(file.toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                modeOf.put(file.toString(), mode);
                toSend.add(file.toString());
            }
        }
        Collections.shuffle(toSend, random);
        assertThat(Set.copyOf(hashOf.values())).hasSize(hashOf.size());

        List<ChildJvm> consumers = new ArrayList<>();
        List<ChildJvm> producers = new ArrayList<>();
        for (int i = 0; i < CONSUMERS; i++) {
            consumers.add(start("consume", "bob-" + i));
        }
        for (int i = 0; i < PRODUCERS; i++) {
            producers.add(start("produce", "alice-" + i));
        }
        long startedAt = System.nanoTime();
        for (int ready = 0; ready < CONSUMERS + PRODUCERS; ready++) {
            Line line = next(Duration.ofSeconds(120));
            assertThat(line.text()).as("%s starting (log %s)", line.from(), line.from().log()).isEqualTo("READY");
        }
        LOG.info("{} JVMs ready in {} ms", CONSUMERS + PRODUCERS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        assertThat(KAMAILIO.contacts("bob")).as("bob's contacts").hasSize(CONSUMERS);
        assertThat(KAMAILIO.contacts("alice")).as("alice's contacts").hasSize(PRODUCERS);

        long sendingAt = System.nanoTime();
        for (int i = 0; i < toSend.size(); i++) {
            String file = toSend.get(i);
            producers.get(i % PRODUCERS).send("SEND " + modeOf.get(file) + " " + file);
        }

        Run run = new Run(hashOf, modeOf, dir);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!run.done(toSend.size())) {
            assertThat(System.nanoTime()).as("all files sent and delivered within 2 minutes: %d of %d sent, %d delivered,"
                    + " not delivered: %s", run.outcome.size(), toSend.size(), run.deliveries.size(), run.missing())
                    .isLessThan(deadline);
            run.take(lines.poll(20, TimeUnit.MILLISECONDS), QUIET);
            int received = run.deliveries.size();
            if (run.victim == null && received >= toSend.size() / 4) {
                // the busiest consumer in session mode, once it is receiving bytes: its sessions and transfers break
                ChildJvm busiest = consumers.stream().max(Comparator.comparingLong(
                        consumer -> run.delivered(consumer.name(), "session"))).orElseThrow();
                if (receiving(busiest) || received >= toSend.size() * 3 / 5) {
                    busiest.kill();
                    run.victim = busiest;
                    run.killedAt = System.nanoTime();
                    run.deliveredBeforeKill = received;
                    LOG.info("Killed {} (SIGKILL) after {} of {} files were delivered", busiest, received, toSend.size());
                }
            }
        }
        ChildJvm victim = run.victim;
        assertThat(victim).as("a consumer was killed during the run").isNotNull();
        Map<String, List<Delivery>> deliveries = run.deliveries;
        List<String> retries = run.retries;
        long killedAt = run.killedAt;
        long sendingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendingAt);
        // the producers are done: they stop while Kamailio forgets the dead consumer
        List<CompletableFuture<Integer>> stopping = new ArrayList<>();
        producers.forEach(producer -> stopping.add(stopping(producer)));

        // nothing failed for good, nothing was lost
        assertThat(run.outcome.values()).as("what the producers reported").allMatch(text -> text.startsWith("SENT "));
        // every file was delivered, also one the killed instance had received completely but not routed yet: with
        // acknowledge=afterRoute its producer was not told "delivered" and sent it again (its bytes may still lie in
        // the dead instance's work directory, and nowhere else)
        assertThat(run.stranded).as("files received by the killed instance but not routed").allSatisfy(
                (hash, part) -> assertThat(part.getParent()).isEqualTo(dir.resolve(victim.name())));
        assertThat(deliveries.keySet()).as("files delivered; not delivered: %s", run.missing())
                .containsExactlyInAnyOrderElementsOf(hashOf.values());
        // exactly once: a second delivery is only allowed for a file the killed instance delivered but could not
        // acknowledge before it died (its sender saw that attempt fail and sent the file again)
        Set<String> failedCookies = retries.stream().map(retry -> retry.split(" ")[2]).collect(Collectors.toSet());
        for (Map.Entry<String, List<Delivery>> delivered : deliveries.entrySet()) {
            List<Delivery> of = delivered.getValue();
            long unacknowledged = of.stream()
                    .filter(d -> d.instance().equals(victim.name()) && failedCookies.contains(d.cookie())).count();
            assertThat(of.size() - unacknowledged).as("deliveries of %s", of).isEqualTo(1);
        }
        // the kill hit transfers in flight: they failed cleanly at the producers (the connection reset, or no answer from
        // the dead instance) and were sent again; no offer was declined, so no instance held slots for offers another
        // instance took
        assertThat(retries).as("attempts that failed and were sent again").isNotEmpty()
                .allMatch(retry -> retry.matches(".* Transfer(ConnectionLost|Timeout)Exception: .*"));

        // the dead contact does not stay: Kamailio's keep-alives remove it
        await().atMost(KamailioExtension.DEAD_CONTACT_GONE_WITHIN)
                .untilAsserted(() -> assertThat(KAMAILIO.contacts("bob")).hasSize(CONSUMERS - 1));
        long contactGoneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

        for (ChildJvm consumer : consumers) {
            if (consumer != victim) {
                stopping.add(stopping(consumer));
            }
        }
        for (CompletableFuture<Integer> exit : stopping) {
            assertThat(exit.get()).as("exit code of a process that was told to stop").isZero();
        }
        for (ChildJvm consumer : consumers) {
            if (consumer != victim) {
                try (Stream<Path> left = Files.list(dir.resolve(consumer.name()))) {
                    assertThat(left.filter(file -> file.getFileName().toString().startsWith("msnftp-")))
                            .as("temporary files left by %s", consumer).isEmpty();
                }
            }
        }
        LOG.info("{}", spread(deliveries, modeOf, hashOf, victim.name(), run.deliveredBeforeKill, retries.size(),
                run.stranded.size(), sendingMs, contactGoneMs));
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** What the processes reported so far. */
    private static final class Run {
        final Map<String, String> hashOf;
        final Map<String, String> modeOfHash = new HashMap<>();
        ChildJvm victim;
        /** Content hash to the deliveries of that content. */
        final Map<String, List<Delivery>> deliveries = new HashMap<>();
        /** File to the producer's last word on it: SENT or FAILED. */
        final Map<String, String> outcome = new HashMap<>();
        /** The RETRY lines: attempts that failed and were sent again. */
        final List<String> retries = new ArrayList<>();
        /**
         * Content hash to the file in the killed instance's work directory that holds it: files it had received
         * completely (the producer was told so) but not handed to its route when it died.
         */
        final Map<String, Path> stranded = new HashMap<>();
        final Path dir;
        long killedAt;
        int deliveredBeforeKill;
        private long lookedAtDiskAt;
        private long lastLineAt = System.nanoTime();
        /** Every producer has its last word, and nobody said anything for a long while: nothing more will come. */
        boolean quietTooLong;

        Run(Map<String, String> hashOf, Map<String, String> modeOf, Path dir) {
            this.hashOf = hashOf;
            this.dir = dir;
            hashOf.forEach((file, hash) -> modeOfHash.put(hash, modeOf.get(file)));
        }

        /** Every file has its producer's last word, and is delivered or stranded at the killed instance. */
        boolean done(int files) throws IOException {
            if (outcome.size() < files) {
                return false;
            }
            if (deliveries.size() + stranded.size() >= files || quietTooLong
                || outcome.values().stream().anyMatch(text -> !text.startsWith("SENT"))) {
                return true;
            }
            if (victim != null && System.nanoTime() - lookedAtDiskAt > TimeUnit.MILLISECONDS.toNanos(500)) {
                lookedAtDiskAt = System.nanoTime();
                lookForStranded();
            }
            return deliveries.size() + stranded.size() >= files;
        }

        /**
         * Files sent (their producers heard the receiver's BYE) whose complete bytes are in the killed instance's work
         * directory under the cookie they were sent with: nobody else can deliver them, since nobody else got them.
         */
        private void lookForStranded() throws IOException {
            for (Map.Entry<String, String> sent : outcome.entrySet()) {
                String hash = hashOf.get(sent.getKey());
                if (deliveries.containsKey(hash) || stranded.containsKey(hash)) {
                    continue;
                }
                String cookie = sent.getValue().split(" ")[2];
                try (Stream<Path> parts = Files.list(dir.resolve(victim.name()))) {
                    for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("msnftp-" + cookie + "-"))
                            .toList()) {
                        if (hash.equals(sha256(part))) {
                            stranded.put(hash, part);
                        }
                    }
                }
            }
        }

        /** The files not delivered (yet), and not stranded at the killed instance either. */
        List<String> missing() {
            return hashOf.entrySet().stream()
                    .filter(entry -> !deliveries.containsKey(entry.getValue()) && !stranded.containsKey(entry.getValue()))
                    .map(entry -> Path.of(entry.getKey()).getFileName() + " " + outcome.getOrDefault(entry.getKey(), "-"))
                    .toList();
        }

        /** How many files of {@code mode} the instance delivered so far. */
        long delivered(String instance, String mode) {
            return deliveries.entrySet().stream().filter(entry -> mode.equals(modeOfHash.get(entry.getKey())))
                    .flatMap(entry -> entry.getValue().stream()).filter(d -> d.instance().equals(instance)).count();
        }

        void take(Line line, Duration quiet) {
            if (line == null) {
                if (outcome.size() == hashOf.size() && System.nanoTime() - lastLineAt > quiet.toNanos()) {
                    quietTooLong = true;
                }
                return;
            }
            lastLineAt = System.nanoTime();
            String[] parts = line.text().split(" ", 5);
            switch (parts[0]) {
                case "RECEIVED" -> {
                    assertThat(hashOf.containsValue(parts[4])).as("%s delivered a file nobody sent", parts[1]).isTrue();
                    deliveries.computeIfAbsent(parts[4], hash -> new ArrayList<>())
                            .add(new Delivery(parts[1], parts[2], parts[3], victim != null));
                }
                case "SENT", "FAILED" -> outcome.put(parts[1], line.text());
                case "RETRY" -> {
                    retries.add(line.text());
                    LOG.info("{}: {}", line.from().name(), line.text());
                }
                case ChildJvm.EXITED -> assertThat(line.from()).as("a process that ended by itself (log %s)",
                        line.from().log()).isEqualTo(victim);
                default -> throw new AssertionError(line.from() + " printed " + line.text());
            }
        }
    }

    /** Whether the instance is receiving bytes right now: a temporary file of its work directory is not empty. */
    private boolean receiving(ChildJvm consumer) throws IOException {
        try (Stream<Path> parts = Files.list(dir.resolve(consumer.name()))) {
            return parts.anyMatch(part -> {
                try {
                    return part.toString().endsWith(".part") && Files.size(part) > 0;
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return ScaleOutInstance.sha256(Files.newInputStream(file));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tells {@code jvm} to stop, and its exit code once it has. */
    private static CompletableFuture<Integer> stopping(ChildJvm jvm) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return jvm.stop(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(jvm + " interrupted", e);
            }
        });
    }

    private Line next(Duration within) throws InterruptedException {
        Line line = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(line).as("a line from the processes within %s", within).isNotNull();
        return line;
    }

    /** The table of how many files each consumer got, per SIP mode, before and after the kill. */
    private static String spread(Map<String, List<Delivery>> deliveries, Map<String, String> modeOf,
                                 Map<String, String> hashOf, String victim, int beforeKill, int retries, int stranded,
                                 long sendingMs, long contactGoneMs) {
        Map<String, String> modeOfHash = new HashMap<>();
        hashOf.forEach((file, hash) -> modeOfHash.put(hash, modeOf.get(file)));
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        deliveries.forEach((hash, of) -> of.forEach(delivery -> counts.computeIfAbsent(delivery.instance(),
                instance -> new TreeMap<>()).merge(modeOfHash.get(hash) + (delivery.afterKill() ? " after" : " before"), 1,
                Integer::sum)));
        StringBuilder table = new StringBuilder("Spread of ").append(hashOf.size()).append(" files over ")
                .append(CONSUMERS).append(" consumers, ").append(sendingMs).append(" ms; ").append(victim)
                .append(" killed after ").append(beforeKill).append(" deliveries, ").append(retries)
                .append(" attempts sent again, ").append(stranded)
                .append(" files received there but not routed, its contact gone ").append(contactGoneMs).append(" ms after the kill.")
                .append(String.format("%n  instance  session before/after the kill  pager before/after the kill"));
        counts.forEach((instance, byMode) -> table.append(String.format("%n  %-8s  %4d / %-4d                     %4d / %-4d",
                instance, byMode.getOrDefault("session before", 0), byMode.getOrDefault("session after", 0),
                byMode.getOrDefault("pager before", 0), byMode.getOrDefault("pager after", 0))));
        return table.toString();
    }
}
