package dev.camelmsnftp.sip;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Time-outs, load, and a clean stop: nothing lost, no port or thread left behind. */
class SipAgentRobustnessTest {

    static final String TYPE = SipTesting.TYPE;

    private static SipAgentConfig.Builder config(String user, SipTransport transport) {
        return SipTesting.onLoopback(user, transport);
    }

    @ParameterizedTest
    @EnumSource(value = SipTransport.class, names = { "UDP", "TCP" })
    void messageToAPortNobodyListensOnFailsWithinTheTimeOut(SipTransport transport) throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        Duration timeout = Duration.ofMillis(1500);
        try (SipAgent alice = SipAgent.start(config("alice", transport).requestTimeout(timeout).build())) {
            for (SipMode mode : SipMode.values()) {
                long start = System.nanoTime();
                CompletableFuture<SipResponse> result = alice.sendMessage("sip:bob@127.0.0.1:" + deadPort, TYPE,
                        "x: y".getBytes(StandardCharsets.UTF_8), mode);
                assertThatThrownBy(() -> result.get(timeout.toMillis() + 3000, TimeUnit.MILLISECONDS))
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class,
                                e -> assertThat(e.kind()).isIn(SipAgentException.Kind.TIMEOUT,
                                        SipAgentException.Kind.TRANSPORT));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(1));
            }
        }
    }

    /**
     * Requests that get no answer all time out on time, whether they were sent together or after an answered one (the
     * check armed for that one's deadline finds the later request still waiting and arms itself again), and however
     * many wait, the agent's timer holds one task for their deadlines, not one per request.
     */
    @ParameterizedTest
    @EnumSource(value = SipTransport.class, names = { "UDP", "TCP" })
    void unansweredRequestsTimeOutOnTimeWithOneTimerTaskForAll(SipTransport transport) throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        try (DatagramSocket silentUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             ServerSocket silentTcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SipAgent alice = SipAgent.start(config("alice", transport).requestTimeout(timeout).build());
             SipAgent bob = SipAgent.start(config("bob", transport).build())) {
            bob.addMessageListener(TYPE, message -> 200);
            int silentPort = transport == SipTransport.UDP ? silentUdp.getLocalPort() : silentTcp.getLocalPort();
            String silent = "sip:carol@127.0.0.1:" + silentPort;
            byte[] body = "x: y".getBytes(StandardCharsets.UTF_8);
            int idleTasks = alice.runtime().scheduledTasks();

            long answeredAt = System.nanoTime();
            assertThat(alice.sendMessage(SipTesting.address(bob), TYPE, body, SipMode.PAGER).get(5, TimeUnit.SECONDS)
                    .status()).isEqualTo(200);
            List<CompletableFuture<SipResponse>> unanswered = new ArrayList<>();
            List<Long> sentAt = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sentAt.add(System.nanoTime());
                unanswered.add(alice.sendMessage(silent, TYPE, body, SipMode.PAGER));
            }
            assertThat(alice.pendingRequests()).isEqualTo(40);
            assertThat(alice.runtime().scheduledTasks()).as("timer tasks while 40 requests wait")
                    .isLessThanOrEqualTo(idleTasks + 1);
            for (int i = 0; i < unanswered.size(); i++) {
                CompletableFuture<SipResponse> result = unanswered.get(i);
                assertThatThrownBy(() -> result.get(timeout.toMillis() + 3000, TimeUnit.MILLISECONDS))
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class,
                                e -> assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TIMEOUT));
                Duration waited = Duration.ofNanos(System.nanoTime() - sentAt.get(i));
                assertThat(waited).as("request %d", i).isLessThan(timeout.plusMillis(1000));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - answeredAt)).isGreaterThanOrEqualTo(timeout);
            assertThat(alice.pendingRequests()).isZero();
        }
    }

    /**
     * Requests that time out one after the other, each at its own deadline, are timed out in batches: the check that
     * walks the waiting requests runs at most once per CHECK_SPACING_NANOS, not once per request (which made a flood of
     * unanswered requests cost the square of their number on the agent's timer thread).
     */
    @Test
    void requestsTimingOutOneAfterTheOtherAreCheckedInBatches() throws Exception {
        Duration timeout = Duration.ofMillis(1000);
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SipAgent alice = SipAgent.start(config("alice", SipTransport.UDP).requestTimeout(timeout).build())) {
            byte[] body = "x: y".getBytes(StandardCharsets.UTF_8);
            long checksBefore = alice.runtime().deadlineChecks();
            List<CompletableFuture<SipResponse>> unanswered = new ArrayList<>();
            long first = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                unanswered.add(alice.sendMessage("sip:carol@127.0.0.1:" + silent.getLocalPort(), TYPE, body, SipMode.PAGER));
            }
            long spreadNanos = System.nanoTime() - first;
            for (CompletableFuture<SipResponse> result : unanswered) {
                assertThat(result).failsWithin(timeout.plusSeconds(5));
            }
            long checks = alice.runtime().deadlineChecks() - checksBefore;
            long allowed = 3 + spreadNanos / AgentRuntime.CHECK_SPACING_NANOS;
            assertThat(checks).as("checks for 300 deadlines spread over %d ms", spreadNanos / 1_000_000)
                    .isLessThanOrEqualTo(allowed);
        }
    }

    @Test
    void twoHundredInARowAndTwentyConcurrentlyNoneLostThreadsBackToBaseline() throws Exception {
        Set<Thread> baseline = Threads.snapshot();
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (SipAgent alice = SipAgent.start(config("alice", SipTransport.UDP).build());
             SipAgent bob = SipAgent.start(config("bob", SipTransport.UDP).build())) {
            bob.addMessageListener("text/x-msmsgsinvite", message -> {
                received.add(new String(message.body(), StandardCharsets.UTF_8));
                return 200;
            });
            String target = SipTesting.address(bob);
            for (int i = 0; i < 200; i++) {
                SipMode mode = i % 2 == 0 ? SipMode.SESSION : SipMode.PAGER;
                alice.sendMessage(target, TYPE, ("n: " + i).getBytes(StandardCharsets.UTF_8), mode).get(10, TimeUnit.SECONDS);
            }
            List<CompletableFuture<SipResponse>> concurrent = new ArrayList<>();
            for (int i = 200; i < 220; i++) {
                SipMode mode = i % 2 == 0 ? SipMode.SESSION : SipMode.PAGER;
                concurrent.add(alice.sendMessage(target, TYPE, ("n: " + i).getBytes(StandardCharsets.UTF_8), mode));
            }
            for (CompletableFuture<SipResponse> future : concurrent) {
                assertThat(future.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
        assertThat(received).hasSize(220);
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(10));
    }

    @Test
    void startAndStopFiftyTimesLeavesNoPortBoundNoThreadAliveAndNoFileWritten() throws Exception {
        // warm up once: JVM-wide singletons (SipFactory, the log bridge) are not leaks
        SipAgent.start(config("warmup", SipTransport.UDP).build()).close();
        Set<Thread> baseline = Threads.snapshot();
        Set<String> filesBefore = Set.of(new java.io.File(".").list());
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            SipTransport transport = SipTransport.values()[i % 2];
            SipAgent agent = SipAgent.start(config("cycle" + i, transport).build());
            int port = agent.localPort();
            agent.close();
            assertPortFree(port, transport);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(10));
        assertThat(Set.of(new java.io.File(".").list())).as("nothing written in the working directory")
                .isEqualTo(filesBefore);
        assertThat(Files.exists(Path.of("debuglog.txt"))).isFalse();
        org.slf4j.LoggerFactory.getLogger(getClass()).info("50 start/stop cycles took {} ms", elapsed.toMillis());
    }

    private static void assertPortFree(int port, SipTransport transport) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if (transport == SipTransport.UDP) {
            try (DatagramSocket socket = new DatagramSocket(address)) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        } else {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(address);
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
