package dev.camelmsnftp.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
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
import java.util.stream.Stream;

import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.testsupport.KamailioExtension.Forking;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances registered as one address of record at a real Kamailio, forking in parallel or serially: three
 * receivers registered as bob, two senders registered as alice, without Camel. In both SIP modes and every flow each
 * file reaches exactly one bob; the bobs whose ACCEPT was not taken end at once (their slot free long before the accept
 * time-out) and keep no file; the answers reach the alice that sent the invitation.
 */
class TransferForkingTest {

    private static final Logger LOG = LoggerFactory.getLogger(TransferForkingTest.class);

    @RegisterExtension
    static final KamailioExtension PARALLEL = new KamailioExtension(Forking.PARALLEL);
    @RegisterExtension
    static final KamailioExtension SERIAL = new KamailioExtension(Forking.SERIAL);

    /** Long, so that a receiver left waiting for a connection that will never come shows. */
    static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(30);
    static final int FILES_PER_SENDER = 2;

    @TempDir
    Path dir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Content hash to the bob instances that delivered it. */
    private final Map<String, List<Integer>> deliveries = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private SipAgent agent(KamailioExtension kamailio, String user) throws Exception {
        SipAgent agent = SipAgent.start(SipAgentConfig.builder(user + "@" + KamailioExtension.DOMAIN).sipHost("127.0.0.1")
                .sipPort(0).transport(SipTransport.UDP).registrar(kamailio.address()).outboundProxy(kamailio.address())
                .password(KamailioExtension.PASSWORD).requestTimeout(Duration.ofSeconds(10)).build());
        started.add(agent);
        return agent;
    }

    private TransferManager manager(SipAgent agent) {
        TransferManager manager = new TransferManager(agent, threads);
        started.add(manager);
        return manager;
    }

    private TransferSettings.Builder settings(String user, String work) {
        return TransferSettings.builder(user + "@" + KamailioExtension.DOMAIN).ftpHost("127.0.0.1")
                .workDir(dir.resolve(work)).acceptTimeout(ACCEPT_TIMEOUT).transferTimeout(Duration.ofSeconds(10));
    }

    private InboundHandler receiver(int instance, TransferSettings settings) {
        return new TestHandler("*", settings).onFile(file -> {
            try {
                deliveries.computeIfAbsent(sha256(file.path()), hash -> new CopyOnWriteArrayList<>()).add(instance);
            } finally {
                file.delete();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Forking.class)
    void eachFileReachesExactlyOneInstanceInBothModesAndEveryFlow(Forking forking) throws Exception {
        KamailioExtension kamailio = kamailio(forking);
        List<TransferManager> bobs = new ArrayList<>();
        Map<Transfer.State, List<Transfer>> outcomes = new ConcurrentHashMap<>();
        for (int i = 0; i < 3; i++) {
            TransferManager bob = manager(agent(kamailio, "bob"));
            bob.addListener(new TransferListener() {
                @Override
                public void finished(Transfer transfer) {
                    outcomes.computeIfAbsent(transfer.state(), state -> new CopyOnWriteArrayList<>()).add(transfer);
                }
            });
            bobs.add(bob);
        }
        List<TransferManager> alices = List.of(manager(agent(kamailio, "alice")), manager(agent(kamailio, "alice")));
        int sent = 0;
        for (SipMode mode : SipMode.values()) {
            for (Flow flow : Flow.values()) {
                List<InboundHandler> handlers = new ArrayList<>();
                for (int i = 0; i < bobs.size(); i++) {
                    InboundHandler handler = receiver(i, settings("bob", "bob-" + i).alwaysListen(flow == Flow.C).build());
                    bobs.get(i).addInboundHandler(handler);
                    handlers.add(handler);
                }
                long messagesBefore = received(alices);
                List<Future<List<String>>> senders = new ArrayList<>();
                for (int a = 0; a < alices.size(); a++) {
                    TransferManager alice = alices.get(a);
                    String prefix = mode + "-" + flow + "-alice" + a + "-";
                    TransferSettings settings = settings("alice", "alice-" + a).sipMode(mode)
                            .connectivity(flow != Flow.B).build();
                    senders.add(threads.submit(() -> {
                        List<String> hashes = new ArrayList<>();
                        for (int f = 0; f < FILES_PER_SENDER; f++) {
                            byte[] content = content(prefix + f);
                            TransferResult result = alice.send("bob@" + KamailioExtension.DOMAIN,
                                    FileSource.of(content, prefix + f + ".bin"), settings);
                            assertThat(result.flow()).isEqualTo(flow);
                            hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                        }
                        return hashes;
                    }));
                }
                List<String> hashes = new ArrayList<>();
                for (Future<List<String>> sender : senders) {
                    hashes.addAll(sender.get(120, TimeUnit.SECONDS));
                }
                sent += hashes.size();
                // the instances whose ACCEPT was not taken are done at once, not after the accept time-out
                await().atMost(ACCEPT_TIMEOUT.dividedBy(3)).untilAsserted(() -> {
                    for (int i = 0; i < bobs.size(); i++) {
                        assertThat(bobs.get(i).activeTransfers()).as("transfers still open at bob %d", i).isZero();
                    }
                });
                for (String hash : hashes) {
                    assertThat(deliveries.get(hash)).as("%s %s: the instances that delivered %s", mode, flow, hash)
                            .hasSize(1);
                }
                if (mode == SipMode.PAGER && forking == Forking.PARALLEL) {
                    assertThat(received(alices) - messagesBefore)
                            .as("every bob answered each offer (so the senders did see several ACCEPTs for one cookie)")
                            .isGreaterThanOrEqualTo(3L * hashes.size());
                }
                for (int i = 0; i < bobs.size(); i++) {
                    bobs.get(i).removeInboundHandler(handlers.get(i));
                }
            }
        }
        assertThat(deliveries).hasSize(sent);
        // how the receivers saw it end: each file completed at one, turned down (before a byte moved) at the others
        assertThat(outcomes.keySet()).as("how the receivers' transfers ended: %s", outcomes)
                .isSubsetOf(Transfer.State.COMPLETED, Transfer.State.REJECTED);
        assertThat(outcomes.get(Transfer.State.COMPLETED)).hasSize(sent);
        if (forking == Forking.PARALLEL) {
            assertThat(outcomes).as("pager offers forked to every receiver").containsKey(Transfer.State.REJECTED);
        }
        for (int i = 0; i < 3; i++) {
            Path work = dir.resolve("bob-" + i);
            if (Files.exists(work)) {
                try (Stream<Path> left = Files.list(work)) {
                    assertThat(left).as("files left by bob %d", i).isEmpty();
                }
            }
        }
    }

    /**
     * An instance that died leaves its contact registered (here one registered for a port nobody listens on). Every file
     * still reaches a live instance at the first attempt, in both SIP modes: with parallel forking the live instances'
     * answers do not wait for the dead one; with serial forking a request that tries the dead contact first waits the
     * proxy's branch time-out (3 s) before the next. Kamailio's keep-alives drop the contact within about 20 s.
     */
    @Test
    void aDeadInstanceCostsARequestAtMostTheBranchTimeOutAndItsContactIsDropped() throws Exception {
        Map<Forking, TransferManager> alices = new EnumMap<>(Forking.class);
        Map<Forking, Long> registered = new EnumMap<>(Forking.class);
        for (Forking forking : Forking.values()) {
            KamailioExtension kamailio = kamailio(forking);
            for (int i = 0; i < 2; i++) {
                manager(agent(kamailio, "bob")).addInboundHandler(receiver(i, settings("bob", "bob-" + i).build()));
            }
            alices.put(forking, manager(agent(kamailio, "alice")));
            kamailio.registerContact("bob", FreePorts.udpAndTcp(), Duration.ofMinutes(10));
            registered.put(forking, System.nanoTime());
            assertThat(kamailio.contacts("bob")).as("bob's contacts, the dead one with them").hasSize(3);
        }
        Map<Forking, List<Long>> millis = new EnumMap<>(Forking.class);
        for (Forking forking : Forking.values()) {
            for (SipMode mode : SipMode.values()) {
                for (int f = 0; f < 4; f++) {
                    String name = forking + "-dead-" + mode + "-" + f;
                    long start = System.nanoTime();
                    alices.get(forking).send("bob@" + KamailioExtension.DOMAIN, FileSource.of(content(name), name + ".bin"),
                            settings("alice", "alice").sipMode(mode).build());
                    millis.computeIfAbsent(forking, k -> new ArrayList<>())
                            .add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
        }
        for (Forking forking : Forking.values()) {
            await().atMost(KamailioExtension.DEAD_CONTACT_GONE_WITHIN).untilAsserted(
                    () -> assertThat(kamailio(forking).contacts("bob")).as("bob's contacts (%s)", forking).hasSize(2));
            LOG.info("{} forking with a dead contact: the sends took {} ms; the contact was gone {} ms after it was "
                     + "registered", forking, millis.get(forking),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registered.get(forking)));
        }
        int sent = millis.values().stream().mapToInt(List::size).sum();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries).hasSize(sent));
        assertThat(deliveries.values()).allSatisfy(instances -> assertThat(instances).hasSize(1));
        // no request needed a second try: the SIP request time-out is 10 s, the branch time-out 3 s
        assertThat(millis.values()).allSatisfy(each -> assertThat(each).allMatch(ms -> ms < 10_000));
    }

    /**
     * A bob that receives nothing (a node that only sends as bob, or whose consumer stopped while a producer keeps its
     * agent) is registered as one of bob's contacts like the receivers, so parallel forking brings it every offer. It
     * must not answer in a way that decides for the instance that receives: every file reaches that one, in both modes.
     */
    @ParameterizedTest
    @EnumSource(SipMode.class)
    void anInstanceThatReceivesNothingDoesNotDeclineForTheOthers(SipMode mode) throws Exception {
        KamailioExtension kamailio = kamailio(Forking.PARALLEL);
        manager(agent(kamailio, "bob")).addInboundHandler(receiver(0, settings("bob", "bob-0").build()));
        manager(agent(kamailio, "bob"));
        TransferManager alice = manager(agent(kamailio, "alice"));
        List<String> declined = new ArrayList<>();
        int files = 6;
        for (int f = 0; f < files; f++) {
            String name = "nothing-" + mode + "-" + f;
            try {
                alice.send("bob@" + KamailioExtension.DOMAIN, FileSource.of(content(name), name + ".bin"),
                        settings("alice", "alice").sipMode(mode).build());
            } catch (TransferException e) {
                declined.add(e.getMessage());
            }
        }
        assertThat(declined).as("offers that failed (the bob that receives nothing answered first)").isEmpty();
        assertThat(deliveries).hasSize(files);
    }

    private static KamailioExtension kamailio(Forking forking) {
        return forking == Forking.PARALLEL ? PARALLEL : SERIAL;
    }

    /** The configurations these tests run are the ones the user guide gives, word for word. */
    @ParameterizedTest
    @EnumSource(Forking.class)
    void theUserGuideGivesTheConfigurationTheseTestsRun(Forking forking) throws Exception {
        String guide = Files.readString(Path.of("..", "src-docs", "user-guide.md"));
        assertThat(guide).contains(KamailioExtension.forkingParameters(forking))
                .contains(KamailioExtension.forkingRoute(forking));
    }

    /** MESSAGEs the alice instances received (ACCEPTs and CANCELs, including those forked to the other instance). */
    private static long received(List<TransferManager> alices) {
        return alices.stream().mapToLong(alice -> alice.agent().receivedRequests().getOrDefault("MESSAGE", 0L)).sum();
    }

    private static byte[] content(String name) {
        byte[] bytes = new byte[20_000 + Math.floorMod(name.hashCode(), 5000)];
        new Random(name.hashCode()).nextBytes(bytes);
        return bytes;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
