package dev.camelmsnftp.component;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that sends what no client would: bodies that are empty, binary, oversized, contradictory, with impossible
 * cookies; answers for transfers that never were; an ACCEPT pointing at nothing; a flood of INVITEs. Each gets a clear
 * answer, nothing reaches the route, and a normal transfer afterwards works. Over TCP, so that a 64 KiB body fits.
 */
class MsnftpHostileSipTest extends MsnftpTestSupport {

    static final int BOB_TCP = FreePorts.udpAndTcp();
    static final int ALICE_TCP = FreePorts.udpAndTcp();
    static final int FLOOD_LIMIT = 4;
    static final int FLOOD_QUEUE = 10;
    static final int FLOOD_BURST = 50;

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", "bob", BOB_TCP, "sipTransport=tcp&acceptTimeout=30s&maxConcurrentTransfers=" + FLOOD_LIMIT
                                                 + "&maxQueuedOffers=" + FLOOD_QUEUE))
                        .process(checksum()).to("mock:received");
            }
        };
    }

    private static String bob() {
        return "sip:bob@127.0.0.1:" + BOB_TCP + ";transport=tcp";
    }

    private String aliceToBob() {
        return uri(bob(), "alice", ALICE_TCP, "sipTransport=tcp");
    }

    static Stream<Arguments> malformed() {
        byte[] binary = new byte[512];
        new Random(1).nextBytes(binary);
        binary[0] = 0;
        StringBuilder padding = new StringBuilder();
        while (padding.length() < 64 * 1024) {
            padding.append("X-Padding: ").append("a".repeat(100)).append("\r\n");
        }
        return Stream.of(Arguments.of("empty", "".getBytes(StandardCharsets.UTF_8), 400),
                Arguments.of("binary", binary, 415),
                Arguments.of("64 KiB of fields and no command", padding.toString().getBytes(StandardCharsets.UTF_8), 400),
                Arguments.of("one field twice with two values", invite("7", "Invitation-Cookie: 8\r\n"), 400),
                Arguments.of("cookie 0", invite("0", ""), 400),
                Arguments.of("cookie -1", invite("-1", ""), 400),
                Arguments.of("cookie 2^32", invite("4294967296", ""), 400),
                Arguments.of("cookie 2^64", invite("18446744073709551616", ""), 400),
                Arguments.of("cookie not a number", invite("seven", ""), 400));
    }

    private static byte[] invite(String cookie, String extra) {
        return ("Application-Name: File Transfer\r\nApplication-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\n"
                + "Invitation-Command: INVITE\r\nInvitation-Cookie: " + cookie + "\r\n" + extra
                + "Application-File: x.bin\r\nApplication-FileSize: 10\r\nConnectivity: N\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedInvitationGetsAClearSipAnswerAndNothingElse(String name, byte[] body, int status) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        try (ScriptedPeer mallory = new ScriptedPeer("mallory", SipTransport.TCP)) {
            for (SipMode mode : SipMode.values()) {
                assertThat(mallory.sendRaw(bob(), body, mode)).as("%s in %s mode", name, mode).isEqualTo(status);
            }
            // a real transfer afterwards: it works, and by then any answer to mallory would have been sent
            Exchange sent = template.send(aliceToBob(), exchange -> exchange.getIn().setBody("after " + name));
            assertThat(sent.getException()).isNull();
            received.assertIsSatisfied(10_000);
            assertThat(mallory.drain()).as("nothing sent back to mallory").isEmpty();
        }
        assertThat(isEmptyDir(bobWorkDir())).isTrue();
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    void answersForCookiesNeverIssuedAreIgnored() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        try (ScriptedPeer mallory = new ScriptedPeer("mallory", SipTransport.TCP)) {
            mallory.send(bob(), Invitation.listeningAccept(Cookies.next(), "127.0.0.1", 9, 1).senderConnect().build());
            mallory.send(bob(), Invitation.accept(Cookies.next()).build());
            mallory.send(bob(), Invitation.cancel(Cookies.next(), CancelCode.FAIL).build());

            assertThat(template.send(aliceToBob(), exchange -> exchange.getIn().setBody("still fine")).getException())
                    .isNull();
            received.assertIsSatisfied(10_000);
            assertThat(mallory.drain()).isEmpty();
        }
    }

    @Test
    void anAcceptPointingAtAPortNobodyListensOnFailsAndCancels() throws Exception {
        int deadPort;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = closed.getLocalPort();
        }
        try (ScriptedPeer trudy = new ScriptedPeer("trudy", SipTransport.TCP)) {
            Thread answering = new Thread(() -> {
                try {
                    ScriptedPeer.Received invite = trudy.next(Duration.ofSeconds(10));
                    invite.reply(Invitation.listeningAccept(invite.invitation().cookie(), "127.0.0.1", deadPort, 5)
                            .senderConnect().build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            answering.start();
            long start = System.nanoTime();
            Exchange sent = template.send(uri(trudy.address() + ";transport=tcp", "alice", ALICE_TCP, "sipTransport=tcp"),
                    exchange -> exchange.getIn().setBody("to nowhere"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            answering.join(10_000);

            assertThat(sent.getException()).isInstanceOfSatisfying(TransferConnectionLostException.class,
                    e -> assertThat(e.phase()).isEqualTo(TransferException.Phase.CONNECTION));
            assertThat(took).as("a refused connection fails at once, not after acceptTimeout")
                    .isLessThan(Duration.ofSeconds(4));
            Invitation cancel = trudy.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.cancelCode()).contains(CancelCode.FTTIMEOUT);
        }
    }

    /**
     * maxConcurrentTransfers offers run, maxQueuedOffers wait for a slot (holding no thread or port), the rest are
     * declined at once: the queue is bounded too. As mallory gives up on each accepted offer, a waiting one is accepted.
     */
    @Test
    void aFloodOfInvitesIsBoundedByMaxConcurrentTransfersAndMaxQueuedOffersAndTheConsumerRecovers() throws Exception {
        int flood = 1000;
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        try (ScriptedPeer mallory = new ScriptedPeer("mallory", SipTransport.TCP)) {
            // as a flood comes: many MESSAGEs outstanding at once (a burst at a time, so that a loaded machine is
            // measured by the whole flood's bound rather than by one MESSAGE's)
            for (int burst = 0; burst < flood / FLOOD_BURST; burst++) {
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (int i = burst * FLOOD_BURST; i < (burst + 1) * FLOOD_BURST; i++) {
                    Invitation invite = Invitation.invite(Cookies.next(), "flood-" + i + ".bin", 1000).connectivityN().build();
                    sent.add(mallory.sendAsync(bob(), invite));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
            List<Invitation> answers = new ArrayList<>();
            await("an answer to every INVITE but the queued ones").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> {
                        answers.addAll(mallory.drain());
                        return answers.size() >= flood - FLOOD_QUEUE;
                    });
            assertThat(count(answers, InvitationCommand.ACCEPT)).as("accepted at once: maxConcurrentTransfers")
                    .isEqualTo(FLOOD_LIMIT);
            assertThat(busy(answers)).as("declined at once with FAIL: the rest, beyond the queue")
                    .isEqualTo(flood - FLOOD_LIMIT - FLOOD_QUEUE);

            // mallory gives up on each accepted offer; its slot goes to one that waited, which is accepted in turn
            List<Integer> ports = new ArrayList<>();
            int seen = 0;
            while (ports.size() < FLOOD_LIMIT + FLOOD_QUEUE) {
                for (; seen < answers.size(); seen++) {
                    Invitation answer = answers.get(seen);
                    if (answer.command() == InvitationCommand.ACCEPT) {
                        mallory.send(bob(), Invitation.cancel(answer.cookie(), CancelCode.OUTBANDCANCEL).build());
                        ports.add(answer.port().getAsInt());
                    }
                }
                if (ports.size() < FLOOD_LIMIT + FLOOD_QUEUE) {
                    int before = answers.size();
                    await("a waiting offer accepted").atMost(Duration.ofSeconds(10)).pollInSameThread()
                            .until(() -> {
                                answers.addAll(mallory.drain());
                                return answers.size() > before;
                            });
                }
            }
            assertThat(answers).hasSize(flood);
            assertThat(count(answers, InvitationCommand.ACCEPT)).isEqualTo(FLOOD_LIMIT + FLOOD_QUEUE);
            for (int port : ports) {
                await("port " + port + " closed").atMost(Duration.ofSeconds(10)).pollInSameThread()
                        .until(() -> !accepts(port));
            }
            // a slot frees a moment after its port closed; until then a new offer waits for it
            await("bob takes files again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> template.send(aliceToBob(), exchange -> exchange.getIn().setBody("after the flood"))
                            .getException() == null);
            received.assertIsSatisfied(10_000);
        }
    }

    private static long count(List<Invitation> answers, InvitationCommand command) {
        return answers.stream().filter(a -> a.command() == command).count();
    }

    private static long busy(List<Invitation> answers) {
        return answers.stream().filter(a -> a.command() == InvitationCommand.CANCEL
                                            && a.cancelCode().equals(java.util.Optional.of(CancelCode.FAIL))).count();
    }
}
