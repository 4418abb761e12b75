package dev.camelmsnftp.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.camelmsnftp.sip.RawSipPeer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The registration against a registrar written in the test, on the wire: the lifetime asked for
 * ({@code registrationExpiry}, the component's {@code registerExpires}) and a registrar's Min-Expires; the keep-alive
 * check that finds a binding the registrar lost (it restarted) and registers again at once; quick retries while the
 * registrar is unreachable; over TCP, a REGISTER as soon as the connection to the registrar closes.
 */
class SipAgentRegistrationTest {

    private RawSipPeer registrar;
    private SipAgent alice;
    private final List<RegistrationState> states = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        registrar = new RawSipPeer();
    }

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        registrar.close();
    }

    private SipAgentConfig.Builder aliceAt(String registrarAddress) {
        return SipTesting.onLoopback("alice", SipTransport.UDP).registrar(registrarAddress)
                .requestTimeout(Duration.ofSeconds(2));
    }

    /** Starts alice on another thread (start() waits for the first REGISTER's answer, which the test gives). */
    private Thread startAlice(SipAgentConfig config) {
        Thread starter = new Thread(() -> {
            try {
                alice = SipAgent.start(config);
                alice.addRegistrationListener(states::add);
            } catch (SipAgentException e) {
                throw new IllegalStateException(e);
            }
        }, "start-alice");
        starter.start();
        return starter;
    }

    /** A REGISTER answered as a registrar does: 200 listing the bindings, or another status with extra headers. */
    static String answer(String request, int status, String reason, String extraHeaders) {
        StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String name : new String[] { "Via", "From", "To", "Call-ID", "CSeq" }) {
            String value = header(request, name);
            response.append(name).append(": ").append(value);
            if (name.equals("To") && !value.contains("tag=")) {
                response.append(";tag=registrar");
            }
            response.append("\r\n");
        }
        return response.append(extraHeaders).append("Content-Length: 0\r\n\r\n").toString();
    }

    /** The Contact of a REGISTER with {@code ;expires=} the registrar grants. */
    static String binding(String register, int expires) {
        String contact = header(register, "Contact");
        int semicolon = contact.indexOf(">");
        return "Contact: " + contact.substring(0, semicolon + 1) + ";expires=" + expires + "\r\n";
    }

    private String nextRegister() throws IOException {
        String register = registrar.receiveRequest("REGISTER");
        assertThat(register).as("a REGISTER").isNotNull();
        return register;
    }

    private int alicePort(String register) {
        String via = header(register, "Via");
        String sentBy = via.split(" ")[1].split(";")[0];
        return Integer.parseInt(sentBy.substring(sentBy.lastIndexOf(':') + 1));
    }

    @Test
    void asksForTheConfiguredLifetimeAndRaisesItToTheRegistrarsMinExpires() throws Exception {
        Thread starter = startAlice(aliceAt("127.0.0.1:" + registrar.port()).registrationExpiry(Duration.ofSeconds(90))
                .keepAliveInterval(Duration.ZERO).build());

        String first = nextRegister();
        assertThat(header(first, "Expires")).isEqualTo("90");
        registrar.send(answer(first, 423, "Interval Too Brief", "Min-Expires: 120\r\n"), alicePort(first));
        String second = nextRegister();
        assertThat(header(second, "Expires")).as("the registrar's Min-Expires").isEqualTo("120");
        assertThat(header(second, "Call-ID")).isEqualTo(header(first, "Call-ID"));
        assertThat(cseq(second)).isGreaterThan(cseq(first));
        registrar.send(answer(second, 200, "OK", binding(second, 120)), alicePort(second));

        starter.join(10_000);
        assertThat(alice).isNotNull();
        assertThat(alice.registrationState()).isEqualTo(RegistrationState.REGISTERED);
    }

    /** Starts alice with a 0.5 s keep-alive, answers her REGISTER 200 (600 s) and returns that REGISTER. */
    private String aliceRegisteredWithKeepAlive() throws Exception {
        Thread starter = startAlice(aliceAt("127.0.0.1:" + registrar.port()).keepAliveInterval(Duration.ofMillis(500))
                .build());
        String register = nextRegister();
        registrar.send(answer(register, 200, "OK", binding(register, 600)), alicePort(register));
        starter.join(10_000);
        assertThat(alice.registrationState()).isEqualTo(RegistrationState.REGISTERED);
        return register;
    }

    private static long cseq(String request) {
        return Long.parseLong(header(request, "CSeq").split(" ")[0]);
    }

    @Test
    void aBindingTheRegistrarLostIsFoundByTheKeepAliveAndRegisteredAgainAtOnce() throws Exception {
        String register = aliceRegisteredWithKeepAlive();

        // the check: a REGISTER without Contact (a query), answered with the bindings the registrar holds
        String query = nextRegister();
        assertThat(header(query, "Contact")).as("a query has no Contact").isNull();
        assertThat(header(query, "Call-ID")).isEqualTo(header(register, "Call-ID"));
        registrar.send(answer(query, 200, "OK", binding(register, 590)), alicePort(query));
        String second = nextRegister();
        assertThat(header(second, "Contact")).as("still registered: another query").isNull();

        // the registrar restarted: it answers the query with no binding at all
        long lost = System.nanoTime();
        registrar.send(answer(second, 200, "OK", ""), alicePort(second));
        String again = nextRegister();
        long after = (System.nanoTime() - lost) / 1_000_000;
        assertThat(header(again, "Contact")).as("registered again").contains("alice@127.0.0.1");
        assertThat(header(again, "Expires")).isEqualTo("600");
        assertThat(after).as("at once, not at the next refresh").isLessThan(3_000);
        registrar.send(answer(again, 200, "OK", binding(again, 600)), alicePort(again));
        assertThat(states).as("reachable all along as far as alice knows").doesNotContain(RegistrationState.FAILED);
    }

    @Test
    void whileTheRegistrarDoesNotAnswerTheRegisterIsRetriedWithinSecondsNotEveryThirty() throws Exception {
        Thread starter = startAlice(aliceAt("127.0.0.1:" + registrar.port()).keepAliveInterval(Duration.ofSeconds(1))
                .build());
        String register = nextRegister();
        registrar.send(answer(register, 200, "OK", binding(register, 600)), alicePort(register));
        starter.join(10_000);

        // the registrar is gone: the query and the REGISTER after it go unanswered (2 s request time-out each)
        assertThat(header(nextRegister(), "Contact")).as("the query").isNull();
        long unanswered = cseq(nextRegisterWithContact());
        await("the registration is seen as failed").atMost(Duration.ofSeconds(15))
                .until(() -> alice.registrationState() == RegistrationState.FAILED);
        long failed = System.nanoTime();
        String retry = nextRegisterWithContact();
        while (cseq(retry) <= unanswered) {
            retry = nextRegisterWithContact();
        }
        assertThat((System.nanoTime() - failed) / 1_000_000).as("retried after about a second").isLessThan(5_000);

        // the registrar is back
        registrar.send(answer(retry, 200, "OK", binding(retry, 600)), alicePort(retry));
        await("registered again").atMost(Duration.ofSeconds(10))
                .until(() -> alice.registrationState() == RegistrationState.REGISTERED);
        assertThat(alice.registrationFailure()).isEmpty();
    }

    /**
     * A refresh the registrar answers 503 (overloaded for a moment) leaves the state FAILED, but the binding it granted
     * before is still there: stopping must still remove it, or the registrar goes on routing (and, with several
     * instances, forking) to a contact that is gone until the binding expires.
     */
    @Test
    void stoppingAfterAFailedRefreshStillRemovesTheBinding() throws Exception {
        String register = aliceRegisteredWithKeepAlive();

        // the registrar is overloaded for a moment: the check and the REGISTER after it are answered 503
        String query = nextRegister();
        assertThat(header(query, "Contact")).as("the query").isNull();
        registrar.send(answer(query, 503, "Service Unavailable", ""), alicePort(query));
        String refresh = nextRegisterWithContact();
        registrar.send(answer(refresh, 503, "Service Unavailable", ""), alicePort(refresh));
        await("the refresh is seen as failed").atMost(Duration.ofSeconds(10))
                .until(() -> alice.registrationState() == RegistrationState.FAILED);

        SipAgent stopping = alice;
        alice = null;
        Thread stopper = new Thread(stopping::close, "stop-alice");
        stopper.start();
        String removal = null;
        for (int i = 0; i < 10 && removal == null; i++) {
            String next = registrar.receiveRequest("REGISTER");
            if (next == null) {
                break;
            }
            if (header(next, "Contact") != null && ("0".equals(header(next, "Expires"))
                                                   || header(next, "Contact").contains("expires=0"))) {
                removal = next;
            }
        }
        assertThat(removal).as("a REGISTER with Expires 0 when the agent stops").isNotNull();
        registrar.send(answer(removal, 200, "OK", ""), alicePort(removal));
        stopper.join(10_000);
    }

    /**
     * A second agent for alice on alice's listening point is refused. What it set up must not stay on the stack it
     * shares with the first: its registration's listener of closed connections (holding the whole agent, and starting
     * its timer thread when a connection closes) stayed, one more for each attempt of a route whose start is retried.
     */
    @Test
    void anAgentThatCannotStartLeavesNothingOnTheStackItShares() throws Exception {
        Thread starter = startAlice(aliceAt("127.0.0.1:" + registrar.port()).keepAliveInterval(Duration.ZERO).build());
        String register = nextRegister();
        registrar.send(answer(register, 200, "OK", binding(register, 600)), alicePort(register));
        starter.join(10_000);
        assertThat(alice.registrationState()).isEqualTo(RegistrationState.REGISTERED);
        SharedStack stack = alice.sharedStack();
        int before = stack.connectionListeners();
        SipAgentConfig again = aliceAt("127.0.0.1:" + registrar.port()).sipPort(alice.localPort())
                .keepAliveInterval(Duration.ZERO).build();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> SipAgent.start(again)).isInstanceOf(SipAgentException.class)
                    .hasMessageContaining("already listens");
        }
        assertThat(stack.connectionListeners()).as("listeners on the shared stack").isEqualTo(before);
        assertThat(alice.isRunning()).isTrue();
    }

    private String nextRegisterWithContact() throws IOException {
        for (int i = 0; i < 20; i++) {
            String register = nextRegister();
            if (header(register, "Contact") != null) {
                return register;
            }
        }
        throw new AssertionError("no REGISTER with Contact");
    }

    @Test
    void overTcpTheConnectionToTheRegistrarClosingTriggersARegisterAtOnce() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(15_000);
            // no keep-alive, and a lifetime of ten minutes: only the closed connection can bring the second REGISTER
            Thread starter = startAlice(SipTesting.onLoopback("alice", SipTransport.TCP)
                    .registrar("127.0.0.1:" + server.getLocalPort()).requestTimeout(Duration.ofSeconds(2))
                    .keepAliveInterval(Duration.ZERO).build());
            try (Socket first = server.accept()) {
                String register = readRequest(first.getInputStream());
                assertThat(register).startsWith("REGISTER ");
                write(first.getOutputStream(), answer(register, 200, "OK", binding(register, 600)));
                starter.join(10_000);
                assertThat(alice.registrationState()).isEqualTo(RegistrationState.REGISTERED);
            }
            // the registrar closed the connection (it stopped, or restarted)
            long closed = System.nanoTime();
            try (Socket second = server.accept()) {
                String register = readRequest(second.getInputStream());
                long after = (System.nanoTime() - closed) / 1_000_000;
                assertThat(register).startsWith("REGISTER ");
                assertThat(header(register, "Contact")).contains("transport=tcp");
                assertThat(after).as("registered again at once").isLessThan(5_000);
                write(second.getOutputStream(), answer(register, 200, "OK", binding(register, 600)));
                await().atMost(Duration.ofSeconds(5)).until(() -> alice.registrationState() == RegistrationState.REGISTERED);
            }
        }
    }

    /** One SIP request from a TCP stream: the header lines, then Content-Length bytes. */
    static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : c == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return readRequest(in);
        }
        String length = header(text, "Content-Length");
        int size = length == null ? 0 : Integer.parseInt(length.trim().toLowerCase(Locale.ROOT));
        return text + new String(in.readNBytes(size), StandardCharsets.UTF_8);
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
