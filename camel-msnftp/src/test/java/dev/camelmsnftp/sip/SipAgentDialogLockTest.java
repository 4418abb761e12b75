package dev.camelmsnftp.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request in one IM session must not hold up the requests in every other: sending in a dialog over TCP may open a
 * connection to the peer's Contact (up to the 8 s connect time-out when nothing answers there), and that must not be
 * done while holding the lock all of the agent's dialogs share.
 */
class SipAgentDialogLockTest {

    private SipAgent alice;
    private SipAgent bob;
    private ServerSocket blackHole;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (blackHole != null) {
            blackHole.close();
        }
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

    @Test
    void aSlowConnectInOneSessionDoesNotHoldUpAnotherSession() throws Exception {
        alice = SipAgent.start(SipTesting.onLoopback("alice", SipTransport.TCP).build());
        bob = SipAgent.start(SipTesting.onLoopback("bob", SipTransport.TCP).build());
        BlockingQueue<IncomingMessage> atAlice = new LinkedBlockingQueue<>();
        alice.addMessageListener("text/x-msmsgsinvite", SipTesting.collectInto(atAlice));
        bob.addMessageListener("text/x-msmsgsinvite", message -> 200);

        // a port whose accept queue is full: a connection to it hangs (SYNs dropped) until the connect time-out
        blackHole = new ServerSocket();
        blackHole.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            sockets.add(filler);
            try {
                filler.connect(blackHole.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException full) {
                break;
            }
        }

        // carol opens an IM session with alice over TCP; her Contact is the black hole
        Socket carol = new Socket(InetAddress.getLoopbackAddress(), alice.localPort());
        sockets.add(carol);
        carol.setSoTimeout(10_000);
        String callId = UUID.randomUUID() + "@127.0.0.1";
        String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip null\r\n";
        send(carol, request("INVITE", 1, null, callId, carol.getLocalPort(), blackHole.getLocalPort(),
                "Content-Type: application/sdp\r\n", sdp));
        String ok = readUntil(carol, "SIP/2.0 200", "CSeq: 1 INVITE");
        String toTag = RawSipPeer.header(ok, "To").replaceAll(".*;tag=", "");
        send(carol, request("ACK", 1, toTag, callId, carol.getLocalPort(), blackHole.getLocalPort(), "", ""));
        send(carol, request("MESSAGE", 2, toTag, callId, carol.getLocalPort(), blackHole.getLocalPort(),
                "Content-Type: text/x-msmsgsinvite\r\n", "Invitation-Command: INVITE\r\nInvitation-Cookie: 1\r\n"));
        IncomingMessage fromCarol = atAlice.poll(10, TimeUnit.SECONDS);
        assertThat(fromCarol).isNotNull();
        assertThat(fromCarol.inDialog()).isTrue();

        // alice replies in carol's session: the new connection to carol's Contact hangs
        java.util.concurrent.atomic.AtomicReference<Thread> replier = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Void> replying = CompletableFuture.runAsync(() -> {
            replier.set(Thread.currentThread());
            fromCarol.reply(SipTesting.TYPE, "x".getBytes(StandardCharsets.UTF_8));
        });
        org.awaitility.Awaitility.await("the reply is connecting").atMost(java.time.Duration.ofSeconds(5))
                .until(() -> replier.get() != null && java.util.Arrays.stream(replier.get().getStackTrace())
                        .anyMatch(frame -> frame.getMethodName().contains("connect")));
        // meanwhile, a message to bob in another session (its own INVITE and connection) goes through at once
        long started = System.nanoTime();
        SipResponse toBob = alice.sendMessage(SipTesting.address(bob), SipTesting.TYPE,
                "y".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        long toBobMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(toBob.status()).isEqualTo(200);
        assertThat(toBobMillis).as("message to bob in its own session, ms").isLessThan(4000);
        assertThat(replying.isDone()).as("the reply still connecting when bob's message was answered").isFalse();
        replying.get(20, TimeUnit.SECONDS);
    }

    private static String request(String method, int cseq, String toTag, String callId, int viaPort, int contactPort,
            String extra, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " sip:alice@127.0.0.1 SIP/2.0\r\n"
               + "Via: SIP/2.0/TCP 127.0.0.1:" + viaPort + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
               + "Max-Forwards: 70\r\n"
               + "From: <sip:carol@corp.example>;tag=carol1\r\n"
               + "To: <sip:alice@corp.example>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
               + "Call-ID: " + callId + "\r\n"
               + "CSeq: " + cseq + " " + method + "\r\n"
               + "Contact: <sip:carol@127.0.0.1:" + contactPort + ";transport=tcp>\r\n"
               + extra
               + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads from the connection until a message starting with {@code start} and containing {@code contains}. */
    private static String readUntil(Socket socket, String start, String contains) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int i = 0; i < 100; i++) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            seen.write(buffer, 0, n);
            String text = seen.toString(StandardCharsets.UTF_8);
            int at = text.indexOf(start);
            if (at >= 0 && text.indexOf(contains, at) >= 0 && text.indexOf("\r\n\r\n", at) >= 0) {
                return text.substring(at);
            }
        }
        throw new AssertionError("no " + start + " in " + seen.toString(StandardCharsets.UTF_8));
    }
}
