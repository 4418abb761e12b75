package dev.camelmsnftp.sip;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.testsupport.SelfSignedCertificate;
import dev.camelmsnftp.testsupport.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two agents, alice and bob, on loopback: each transport, each mode, invitation bodies both ways. */
class SipAgentLoopbackTest {

    static final String INVITE_TYPE = SipTesting.TYPE;
    static final String BODY = "Application-Name: File Transfer\r\n"
                               + "Application-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\n"
                               + "Invitation-Command: INVITE\r\nInvitation-Cookie: 85366\r\n"
                               + "Application-File: Résumé 漢字 😀.pdf\r\nApplication-FileSize: 187\r\n";

    @TempDir
    static Path certificates;
    static Path keyStore;

    private final List<SipAgent> agents = new ArrayList<>();
    private Set<Thread> baseline;

    @BeforeAll
    static void certificate() throws Exception {
        keyStore = SelfSignedCertificate.create(certificates, "agents");
    }

    @BeforeEach
    void baseline() {
        baseline = Threads.snapshot();
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(SipAgent::close);
        // every thread the agents started ends, TLS connections' readers included: a connection opened while a stack
        // stops is closed too (the network layer records every socket a stack makes and closes what is left)
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(10));
    }

    SipAgent agent(String user, SipTransport transport, SipMode mode) throws SipAgentException {
        return agent(user, transport, mode, Duration.ofSeconds(5));
    }

    SipAgent agent(String user, SipTransport transport, SipMode mode, Duration requestTimeout) throws SipAgentException {
        SipAgentConfig.Builder config = SipTesting.onLoopback(user, transport).mode(mode).requestTimeout(requestTimeout);
        if (transport == SipTransport.TLS) {
            config.tls(TlsSettings.of(keyStore, SelfSignedCertificate.PASSWORD));
        }
        SipAgent agent = SipAgent.start(config.build());
        agents.add(agent);
        return agent;
    }

    static Stream<Arguments> transportsAndModes() {
        return Stream.of(SipTransport.values()).flatMap(t -> Stream.of(SipMode.values()).map(m -> Arguments.of(t, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndModes")
    void invitationBodiesTravelBothWaysByteIdentical(SipTransport transport, SipMode mode) throws Exception {
        SipAgent alice = agent("alice", transport, mode);
        SipAgent bob = agent("bob", transport, mode);
        BlockingQueue<IncomingMessage> atBob = new LinkedBlockingQueue<>();
        BlockingQueue<IncomingMessage> atAlice = new LinkedBlockingQueue<>();
        bob.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atBob));
        alice.addMessageListener("TEXT/X-MSMSGSINVITE", SipTesting.collectInto(atAlice));
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

        SipResponse response = alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, body).get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        IncomingMessage received = atBob.poll(10, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.body()).isEqualTo(body);
        assertThat(received.mediaType()).isEqualTo("text/x-msmsgsinvite");
        assertThat(received.contentType()).containsIgnoringCase("charset=UTF-8");
        assertThat(received.from().addressOfRecord()).isEqualTo("alice@corp.example");
        assertThat(received.inDialog()).isEqualTo(mode == SipMode.SESSION);

        byte[] answer = "Invitation-Command: ACCEPT\r\nInvitation-Cookie: 85366\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(received.reply(INVITE_TYPE, answer).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        IncomingMessage reply = atAlice.poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.body()).isEqualTo(answer);
        // in a dialog the callee's From is the caller's original To (here the direct address); out of dialog, bob's AOR
        assertThat(reply.from().user()).isEqualTo("bob");
        if (mode == SipMode.PAGER) {
            assertThat(reply.from().addressOfRecord()).isEqualTo("bob@corp.example");
        }
        assertThat(reply.inDialog()).isEqualTo(mode == SipMode.SESSION);
        assertThat(reply.callId()).as("the reply travels in the same IM session")
                .satisfies(callId -> {
                    if (mode == SipMode.SESSION) {
                        assertThat(callId).isEqualTo(received.callId());
                    }
                });
        assertThat(bob.receivedRequests().getOrDefault("INVITE", 0L)).isEqualTo(mode == SipMode.SESSION ? 1L : 0L);
    }

    /**
     * Over TCP and TLS every connection, made or accepted, sends at once (TCP_NODELAY): a SIP message written in more than
     * one piece otherwise waits for the peer's delayed acknowledgement, and a small file took 46 ms instead of 2 ms.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SipTransport.class, names = { "TCP", "TLS" })
    void connectionsSendWithoutDelay(SipTransport transport) throws Exception {
        SipAgent alice = agent("alice", transport, SipMode.PAGER);
        SipAgent bob = agent("bob", transport, SipMode.PAGER);
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
        alice.addMessageListener("text/x-msmsgsinvite", message -> 200);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        oneMessageEachWay(alice, bob, body);

        List<java.net.Socket> connections = new ArrayList<>(alice.sharedStack().connections());
        connections.addAll(bob.sharedStack().connections());
        assertThat(connections).as("the connections both ways").hasSizeGreaterThanOrEqualTo(2);
        for (java.net.Socket connection : connections) {
            assertThat(connection.getTcpNoDelay()).as("TCP_NODELAY on " + connection).isTrue();
        }
    }

    /**
     * JAIN-SIP calls our listener on the thread that received each message (its reentrant listener), not through its
     * single event thread: that hand-over was one more thread woken per message (16.3 against 12.4 thread switches per
     * MESSAGE round trip). JAIN-SIP still starts the event thread; it must not wake once while messages go both ways,
     * in each transport and mode. (Its wait count rises by at least one for every event queued to it.)
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndModes")
    void eventsDoNotGoThroughJainSipsEventThread(SipTransport transport, SipMode mode) throws Exception {
        SipAgent alice = agent("alice", transport, mode);
        SipAgent bob = agent("bob", transport, mode);
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
        alice.addMessageListener("text/x-msmsgsinvite", message -> 200);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        // the first exchange sets up what is set up once (connections, IM sessions)
        oneMessageEachWay(alice, bob, body);
        Map<Long, Long> before = eventThreadWaits();
        assertThat(before).as("JAIN-SIP's event threads").isNotEmpty();

        for (int i = 0; i < 20; i++) {
            oneMessageEachWay(alice, bob, body);
        }

        Map<Long, Long> after = eventThreadWaits();
        before.forEach((thread, waits) -> assertThat(after.getOrDefault(thread, waits))
                .as("times event thread %d waited for an event during 80 messages", thread).isEqualTo(waits));
    }

    /**
     * A listener runs on the agent's executor, so that a slow one cannot hold up SIP reception, except for the messages
     * it calls quick: those it handles on the SIP thread that received them, one thread woken less per message (the
     * transfer layer's ACCEPTs). Both answered all the same, in each transport and mode.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndModes")
    void quickMessagesAreHandledWhereTheyArriveTheOthersOnTheExecutor(SipTransport transport, SipMode mode)
            throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2, task -> new Thread(task, "test-listener-executor"));
        try {
            SipAgentConfig.Builder config = SipTesting.onLoopback("bob", transport).mode(mode).listenerExecutor(executor);
            if (transport == SipTransport.TLS) {
                config.tls(TlsSettings.of(keyStore, SelfSignedCertificate.PASSWORD));
            }
            SipAgent bob = SipAgent.start(config.build());
            agents.add(bob);
            SipAgent alice = agent("alice", transport, mode);
            Map<String, String> handledOn = new ConcurrentHashMap<>();
            bob.addMessageListener("text/x-msmsgsinvite", new MessageListener() {
                @Override
                public int onMessage(IncomingMessage message) {
                    handledOn.put(new String(message.body(), StandardCharsets.UTF_8), Thread.currentThread().getName());
                    return 202;
                }

                @Override
                public boolean quick(IncomingMessage message) {
                    return new String(message.body(), StandardCharsets.UTF_8).startsWith("quick");
                }
            });

            for (String body : List.of("quick 1", "slow 1", "quick 2", "slow 2")) {
                assertThat(alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, body.getBytes(StandardCharsets.UTF_8))
                        .get(10, TimeUnit.SECONDS).status()).as(body).isEqualTo(202);
            }

            assertThat(handledOn).containsOnlyKeys("quick 1", "slow 1", "quick 2", "slow 2");
            assertThat(handledOn.get("slow 1")).isEqualTo("test-listener-executor");
            assertThat(handledOn.get("slow 2")).isEqualTo("test-listener-executor");
            assertThat(handledOn.get("quick 1")).isNotEqualTo("test-listener-executor").doesNotStartWith("msnftp-sip-");
            assertThat(handledOn.get("quick 2")).isNotEqualTo("test-listener-executor").doesNotStartWith("msnftp-sip-");
        } finally {
            executor.shutdownNow();
        }
    }

    /** alice sends bob one MESSAGE, then bob alice; both are answered 200. */
    private static void oneMessageEachWay(SipAgent alice, SipAgent bob, byte[] body) throws Exception {
        assertThat(alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, body).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
        assertThat(bob.sendMessage(SipTesting.address(alice), INVITE_TYPE, body).get(10, TimeUnit.SECONDS).status())
                .isEqualTo(200);
    }

    /** How often each of JAIN-SIP's event threads in this JVM has waited so far, by thread id. */
    private static Map<Long, Long> eventThreadWaits() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> waits = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("EventScannerThread")) {
                ThreadInfo info = threads.getThreadInfo(thread.getId());
                if (info != null) {
                    waits.put(thread.getId(), info.getWaitedCount());
                }
            }
        }
        return waits;
    }

    /**
     * Over UDP the threads that process datagrams receive them themselves: JAIN-SIP's stock processor had one thread
     * receive every datagram and hand it to a pool thread to parse, a second thread woken per datagram (about 0.1-0.3
     * ms on a small virtual machine, four times per file). Once messages went both ways, every pool thread of each stack
     * waits in the socket's receive, and the stock receiving thread is gone.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SipMode.class)
    void udpThreadsProcessTheDatagramsTheyReceive(SipMode mode) throws Exception {
        SipAgent alice = agent("alice", SipTransport.UDP, mode);
        SipAgent bob = agent("bob", SipTransport.UDP, mode);
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
        alice.addMessageListener("text/x-msmsgsinvite", message -> 200);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20; i++) {
            oneMessageEachWay(alice, bob, body);
        }

        for (SipAgent agent : List.of(alice, bob)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Thread> threads = udpMessageThreads(agent);
                assertThat(threads).as("the UDP message threads of " + agent).isNotEmpty();
                for (Thread thread : threads) {
                    assertThat(Stream.of(thread.getStackTrace()).map(frame -> frame.getClassName() + "." + frame.getMethodName()))
                            .as(thread.getName() + " waits for datagrams in the socket, not on a queue")
                            .contains("java.net.DatagramSocket.receive");
                }
            });
            assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                    .as("no thread only receives and hands over")
                    .noneMatch(name -> name.equals("MessageProcessorThread-UDP-127.0.0.1/" + agent.localPort()));
        }
    }

    /**
     * A UDP message thread reuses its receive buffer: JAIN-SIP copies each datagram's bytes before parsing, and its stock
     * processor allocated a new 64 KiB buffer per datagram (a quarter of all the memory a small file allocated). The
     * threads that receive bob's 200 requests allocate, parsing and answering included, about 20 KB for each (86 KB
     * with a new buffer per datagram).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SipMode.class)
    void udpThreadsReuseTheirReceiveBuffer(SipMode mode) throws Exception {
        SipAgent alice = agent("alice", SipTransport.UDP, mode);
        SipAgent bob = agent("bob", SipTransport.UDP, mode);
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        int warmUp = 50;
        int count = 200;
        for (int i = 0; i < warmUp; i++) {
            alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, body).get(10, TimeUnit.SECONDS);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = udpMessageThreads(bob).stream().mapToLong(Thread::getId).toArray();
        assertThat(ids).as("bob's UDP message threads").isNotEmpty();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        assertThat(java.util.Arrays.stream(allocated).min().orElse(-1)).as("every thread is alive and measured").isNotNegative();
        long before = java.util.Arrays.stream(allocated).sum();
        for (int i = 0; i < count; i++) {
            assertThat(alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, body).get(10, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
        }
        allocated = threads.getThreadAllocatedBytes(ids);
        assertThat(java.util.Arrays.stream(allocated).min().orElse(-1)).as("every thread is alive and measured").isNotNegative();
        long perDatagram = (java.util.Arrays.stream(allocated).sum() - before) / count;
        assertThat(perDatagram).as("bytes allocated per datagram received").isLessThan(32 * 1024);
    }

    /** The UDP message threads of an agent's stack (JAIN-SIP names them after the stack). */
    private static List<Thread> udpMessageThreads(SipAgent agent) {
        String pool = agent.sharedStack().stackName() + "-UDPMessageChannelThread-";
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith(pool)).toList();
    }

    /**
     * Many MESSAGEs under way at once in both directions, each answered as it arrives with one more MESSAGE back (as a
     * consumer declining a flood of offers does): every request gets its final response and every message arrives once.
     * Over TCP and TLS, answers travel on the connections the requests came on, so a connection closed under way (as
     * JAIN-SIP does when its reader thread fails on a transaction ended under its feet) loses answers and fails this.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndModes")
    void manyMessagesAtOnceInBothDirectionsAreAllAnswered(SipTransport transport, SipMode mode) throws Exception {
        int count = 300;
        // over UDP a burst overflows socket buffers and SIP's retransmissions (0.5 s, 1 s, 2 s, ...) make up for it: the
        // bound is JAIN-SIP's own transaction time-out rather than a short one of ours
        Duration requestTimeout = Duration.ofSeconds(30);
        SipAgent alice = agent("alice", transport, mode, requestTimeout);
        SipAgent bob = agent("bob", transport, mode, requestTimeout);
        BlockingQueue<IncomingMessage> atAlice = new LinkedBlockingQueue<>();
        List<java.util.concurrent.CompletableFuture<SipResponse>> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger atBob = new java.util.concurrent.atomic.AtomicInteger();
        bob.addMessageListener("text/x-msmsgsinvite", message -> {
            atBob.incrementAndGet();
            answers.add(message.reply(INVITE_TYPE, message.body()));
            return 200;
        });
        alice.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atAlice));

        List<java.util.concurrent.CompletableFuture<SipResponse>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(alice.sendMessage(SipTesting.address(bob), INVITE_TYPE, ("message " + i).getBytes(StandardCharsets.UTF_8)));
        }
        java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        assertThat(sent).allSatisfy(response -> assertThat(response.join().status()).isEqualTo(200));
        await("every message arrived at bob").atMost(Duration.ofSeconds(30)).until(() -> atBob.get() >= count);
        java.util.concurrent.CompletableFuture.allOf(answers.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        assertThat(answers).hasSize(count)
                .allSatisfy(response -> assertThat(response.join().status()).isEqualTo(200));
        await("every answer arrived at alice").atMost(Duration.ofSeconds(30)).until(() -> atAlice.size() >= count);
        assertThat(atBob.get()).as("no message delivered twice").isEqualTo(count);
        assertThat(atAlice).hasSize(count);
    }
}
