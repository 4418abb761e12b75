package dev.camelmsnftp.sip;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.SelfSignedCertificate;
import dev.camelmsnftp.testsupport.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.camelmsnftp.sip.RawSipPeer.header;
import static dev.camelmsnftp.sip.RawSipPeer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What a peer can make the agent hold at the SIP layer is bounded: counts, IM sessions, JAIN-SIP's dialogs. */
class SipAgentBoundsTest {

    @TempDir
    static Path certificates;

    private SipAgent alice;
    private RawSipPeer bob;
    private final List<Socket> connections = new ArrayList<>();
    private final BlockingQueue<IncomingMessage> delivered = new LinkedBlockingQueue<>();

    private void start(SipAgentConfig.Builder config) throws Exception {
        alice = SipAgent.start(config.requestTimeout(Duration.ofMillis(1500)).build());
        alice.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(delivered));
        bob = new RawSipPeer();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket connection : connections) {
            connection.close();
        }
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    /**
     * A peer that makes us send (our answers to its messages, such as the CANCEL of a declined offer) and never answers
     * holds at most maxPendingRequests of our client transactions; one more is not sent and fails at once, and once the
     * waiting ones timed out, requests go out again.
     */
    @Test
    void repliesAPeerNeverAnswersAreBoundedByMaxPendingRequests() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).maxPendingRequests(20));
        List<CompletableFuture<SipResponse>> replies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-msmsgsinvite\r\n", "n: " + i),
                    alice.localPort());
            IncomingMessage message = delivered.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("message %d delivered", i).isNotNull();
            replies.add(message.reply("text/x-msmsgsinvite", ("reply: " + i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(alice.runtime().pendingRequests()).isEqualTo(20);
        for (int i = 20; i < 30; i++) {
            CompletableFuture<SipResponse> refused = replies.get(i);
            assertThatThrownBy(() -> refused.get(1, TimeUnit.SECONDS)).as("reply %d, beyond the bound", i)
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TRANSPORT);
                        assertThat(e.getMessage()).contains("maxPendingRequests");
                    });
        }
        for (int i = 0; i < 20; i++) {
            CompletableFuture<SipResponse> waiting = replies.get(i);
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).as("reply %d, never answered", i)
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(SipAgentException.class,
                            e -> assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TIMEOUT));
        }
        assertThat(alice.runtime().pendingRequests()).isZero();
        bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/x-msmsgsinvite\r\n", "n: again"),
                alice.localPort());
        IncomingMessage again = delivered.poll(5, TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        CompletableFuture<SipResponse> sentAgain = again.reply("text/x-msmsgsinvite", "reply: again".getBytes(StandardCharsets.UTF_8));
        assertThat(alice.runtime().pendingRequests()).as("sent again once the others ended").isEqualTo(1);
        sentAgain.cancel(true);
    }

    @Test
    void fiveHundredInventedMethodsAreAnswered405AndCountedUnderOneKey() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP));
        for (int i = 0; i < 500; i++) {
            bob.send(bob.request("XMETHOD" + i, alice.localPort(), null, "", ""), alice.localPort());
            String response = bob.receive();
            assertThat(response).as("answer to invented method %d", i).isNotNull();
            assertThat(status(response)).isEqualTo(405);
            assertThat(header(response, "Allow")).contains("MESSAGE");
        }
        Map<String, Long> counts = alice.receivedRequests();
        assertThat(counts).containsEntry(SipAgent.OTHER_METHODS, 500L);
        assertThat(counts.keySet()).as("no key per invented method").noneMatch(method -> method.startsWith("XMETHOD"))
                .hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void threeHundredSessionsOpenedAtOnceHoldOnlyTheDefaultCapTheRestAreRefused486() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP));
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            if (bob.openSession(alice.localPort()) != null) {
                opened++;
            } else {
                assertThat(bob.lastStatus()).as("INVITE %d", i).isEqualTo(486);
                refused++;
            }
        }
        assertThat(opened).isEqualTo(SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        assertThat(refused).isEqualTo(300 - SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        assertThat(alice.incomingSessions()).isEqualTo(SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
        await("JAIN-SIP ends the refused dialogs").atMost(Duration.ofSeconds(10))
                .until(() -> alice.sharedStack().liveDialogs() == SipAgentConfig.DEFAULT_MAX_INCOMING_SESSIONS);
    }

    @Test
    void idleIncomingSessionsAreEndedWithByeWhileOneInUseStaysOpen() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).incomingSessionIdleTimeout(Duration.ofSeconds(2)));
        RawSipPeer.RawSession busy = bob.openSession(alice.localPort());
        List<RawSipPeer.RawSession> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idle.add(bob.openSession(alice.localPort()));
        }
        assertThat(alice.incomingSessions()).isEqualTo(4);

        // keep one session busy until the idle ones are ended (bounded: 100 rounds of at most 200 ms)
        int byes = 0;
        for (int round = 0; round < 100 && byes < idle.size(); round++) {
            busy.message("Invitation-Command: INVITE\r\nInvitation-Cookie: " + round + "\r\n");
            for (String next = bob.receiveWithin(200); next != null; next = bob.receiveWithin(200)) {
                String request = next;
                if (request.startsWith("BYE ")) {
                    assertThat(busy.owns(request)).as("the session in use is not ended").isFalse();
                    assertThat(idle).anyMatch(session -> session.owns(request));
                    bob.send(RawSipPeer.ok(request), alice.localPort());
                    byes++;
                }
            }
        }
        assertThat(byes).as("BYE to each idle session").isEqualTo(idle.size());
        assertThat(alice.incomingSessions()).isEqualTo(1);

        String bye = bob.receiveRequest("BYE");
        assertThat(bye).as("the last session is ended once it is idle too").isNotNull();
        assertThat(busy.owns(bye)).isTrue();
        bob.send(RawSipPeer.ok(bye), alice.localPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.incomingSessions() == 0);
        await("JAIN-SIP ends the dialogs").atMost(Duration.ofSeconds(10))
                .until(() -> alice.sharedStack().liveDialogs() == 0);
    }

    @Test
    void aReplyToAMessageWhoseSessionEndedMeanwhileGoesOutOfDialog() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).incomingSessionIdleTimeout(Duration.ofMillis(500)));
        RawSipPeer.RawSession session = bob.openSession(alice.localPort());
        session.message("Invitation-Command: INVITE\r\nInvitation-Cookie: 9\r\n");
        assertThat(status(bob.receiveResponse("MESSAGE"))).isEqualTo(200);
        IncomingMessage message = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(message).isNotNull();
        assertThat(message.inDialog()).isTrue();

        String bye = bob.receiveRequest("BYE");
        assertThat(bye).as("the idle session is ended").isNotNull();
        bob.send(RawSipPeer.ok(bye), alice.localPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.incomingSessions() == 0);

        var reply = message.reply(SipTesting.TYPE,
                "Invitation-Command: ACCEPT\r\nInvitation-Cookie: 9\r\n".getBytes(StandardCharsets.UTF_8));
        String sent = bob.receiveRequest("MESSAGE");
        assertThat(sent).isNotNull();
        assertThat(header(sent, "To")).as("out of dialog").doesNotContain("tag=");
        assertThat(header(sent, "Call-ID")).isNotEqualTo(session.callId);
        assertThat(sent).endsWith("Invitation-Command: ACCEPT\r\nInvitation-Cookie: 9\r\n");
        bob.send(RawSipPeer.ok(sent), alice.localPort());
        assertThat(reply.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void connectionsBeyondMaxConnectionsWaitUntilOneClosesAndCostNoThreadMeanwhile() throws Exception {
        Set<Thread> baseline = Threads.snapshot();
        start(SipTesting.onLoopback("alice", SipTransport.TCP).maxConnections(5).mode(SipMode.PAGER)
                .connectionIdleTimeout(Duration.ofSeconds(3)));
        // connections alice opened herself and closed when idle: JAIN-SIP's own count of connections drops by one
        // for each, so that on its own it would let more in (what follows takes well under the idle time-out)
        List<SipAgent> carols = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SipAgent carol = SipAgent.start(SipTesting.onLoopback("carol" + i, SipTransport.TCP).build());
                carols.add(carol);
                carol.addMessageListener("text/x-msmsgsinvite", message -> 200);
                alice.sendMessage(SipTesting.address(carol), SipTesting.TYPE, new byte[] { 'x' }).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> alice.sharedStack().openConnections() == 0);
        } finally {
            carols.forEach(SipAgent::close);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Threads.newThreads(baseline).stream()
                .noneMatch(name -> name.startsWith("TCPMessageChannelThread")));
        for (int i = 0; i < 5; i++) {
            Socket connection = connect();
            options(connection);
            assertThat(answer(connection, 10_000)).as("connection %d is served", i).startsWith("SIP/2.0 200");
        }
        Socket waiting = connect();
        options(waiting);
        assertThat(answer(waiting, 1000)).as("the sixth connection waits").isNull();
        assertThat(alice.sharedStack().openConnections()).isEqualTo(5);
        assertThat(Threads.newThreads(baseline)).as("two JAIN-SIP threads per connection, none for the sixth")
                .filteredOn(name -> name.startsWith("TCPMessageChannelThread")).hasSize(5);

        connections.get(0).close();
        assertThat(answer(waiting, 10_000)).as("served once another closed").startsWith("SIP/2.0 200");
    }

    @ParameterizedTest
    @EnumSource(value = SipTransport.class, names = { "TCP", "TLS" })
    void silentConnectionsAreClosedAfterTheIdleTimeout(SipTransport transport) throws Exception {
        Set<Thread> baseline = Threads.snapshot();
        SipAgentConfig.Builder config = SipTesting.onLoopback("alice", transport).connectionIdleTimeout(Duration.ofSeconds(1));
        if (transport == SipTransport.TLS) {
            config.tls(TlsSettings.of(SelfSignedCertificate.create(certificates, "idle"), SelfSignedCertificate.PASSWORD));
        }
        start(config);
        for (int i = 0; i < 3; i++) {
            connect();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.sharedStack().openConnections() == 3);
        for (Socket connection : connections) {
            connection.setSoTimeout(10_000);
            // TLS may say why first (an alert record); then the end of the stream
            assertThat(connection.getInputStream().readNBytes(1024).length).as("what the agent sent").isLessThan(1024);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.sharedStack().openConnections() == 0);
        await("their threads end").atMost(Duration.ofSeconds(10)).until(() -> Threads.newThreads(baseline).stream()
                .noneMatch(name -> name.contains("MessageChannelThread") || name.startsWith("PipelineThread")));
    }

    @Test
    void serverTransactionsAreBoundedRequestsBeyondAreRefused503OrDropped() throws Exception {
        start(SipTesting.onLoopback("alice", SipTransport.UDP).maxServerTransactions(50));
        // a listener that does not answer yet: every request it was given holds its server transaction open
        CountDownLatch answer = new CountDownLatch(1);
        alice.addMessageListener("text/plain", message -> {
            try {
                return answer.await(30, TimeUnit.SECONDS) ? 200 : 500;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 500;
            }
        });
        for (int i = 0; i < 300; i++) {
            bob.send(bob.request("MESSAGE", alice.localPort(), null, "Content-Type: text/plain\r\n", "n" + i),
                    alice.localPort());
        }
        Map<Integer, Integer> answers = new java.util.TreeMap<>();
        for (String response = bob.receiveWithin(2000); response != null; response = bob.receiveWithin(2000)) {
            answers.merge(status(response), 1, Integer::sum);
        }
        int held = alice.sharedStack().serverTransactions();
        assertThat(held).as("held by JAIN-SIP, without the bound all 300").isBetween(40, 50);
        assertThat(answers.keySet()).as("answered while the listener waits").isSubsetOf(503);

        answer.countDown();
        int accepted = 0;
        for (String response = bob.receiveWithin(2000); response != null; response = bob.receiveWithin(2000)) {
            assertThat(status(response)).isEqualTo(200);
            accepted++;
        }
        assertThat(accepted).as("each request held is answered once the listener does").isEqualTo(held);
    }

    private Socket connect() throws IOException {
        Socket connection = new Socket(InetAddress.getLoopbackAddress(), alice.localPort());
        connections.add(connection);
        return connection;
    }

    private void options(Socket connection) throws IOException {
        String request = bob.request("OPTIONS", alice.localPort(), null, "", "")
                .replace("SIP/2.0/UDP 127.0.0.1:" + bob.port(), "SIP/2.0/TCP 127.0.0.1:" + connection.getLocalPort());
        connection.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    }

    /** The first line the agent sends on the connection within {@code millis}, or null. */
    private static String answer(Socket connection, int millis) throws IOException {
        connection.setSoTimeout(millis);
        InputStream in = connection.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
        } catch (SocketTimeoutException nothingYet) {
            return null;
        }
        return line.toString().trim();
    }
}
