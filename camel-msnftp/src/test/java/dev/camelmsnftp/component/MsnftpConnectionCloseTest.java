package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.transfer.Flow;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever accepted the MSNFTP connection lets the peer close it first. The side that closes first keeps the
 * connection in TIME_WAIT for a minute; on the accepting side that entry sits on the listening port, and every later
 * listener's bind has to step over all of them (at a few hundred small files a second, a third of the CPU went into
 * {@code bind}). So where we accepted the connection (the receiver in flows B and C, the sender in flow A) our end
 * stays open after the session's last line until the peer closes its end, and the transfer still succeeds; where we
 * connected, we close right after the last line, as every client does. The scripted peer plays the other side on a
 * bare socket, in every flow and both dialects (the SIP mode does not touch the TCP connection).
 */
class MsnftpConnectionCloseTest extends MsnftpTestSupport {

    private static final int SIZE = 5_000;
    /** How long the peer watches our end while keeping its own open: well inside our wait for its close (1 s). */
    private static final Duration WATCHED = Duration.ofMillis(300);
    /** How soon we must hang up where we connected: well inside the 1 s we would wait if we (wrongly) waited. */
    private static final Duration HANGS_UP_WITHIN = Duration.ofMillis(600);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return receiversToMock();
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects") // MsnftpTestSupport's
    void theReceiverLetsASenderThatConnectedCloseFirst(Flow flow, Dialect dialect) throws Exception {
        byte[] content = content(flow, dialect);
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        received.expectedBodiesReceived(content);
        boolean weListen = flow != Flow.A;
        try (ScriptedPeer sam = new ScriptedPeer("sam");
             ScriptedPeer.Wire wire = sam.offer(receiverFor(flow), flow, dialect, "close.bin", SIZE, SipMode.SESSION)) {
            wire.sendFile(content);
            assertThat(wire.readLine()).isEqualTo("BYE 16777989");
            if (dialect.encrypted()) {
                wire.write(wire.macLine(content));
            }
            theLastWord(wire, weListen);
        }
        received.assertIsSatisfied();
        assertThat(consumerFailures).isEmpty();
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects") // MsnftpTestSupport's
    void theSenderLetsAReceiverThatConnectedCloseFirst(Flow flow, Dialect dialect) throws Exception {
        byte[] content = content(flow, dialect);
        boolean weListen = flow == Flow.A;
        try (ScriptedPeer rita = new ScriptedPeer("rita")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(rita.address(), sending(flow, dialect, SipMode.SESSION)), exchange -> {
                        exchange.getIn().setBody(content);
                        exchange.getIn().setHeader(Exchange.FILE_NAME, "close.bin");
                    }));
            try (ScriptedPeer.Wire wire = rita.receive(rita.next(Duration.ofSeconds(5)), flow, dialect)) {
                assertThat(wire.readData(SIZE)).hasSize(SIZE);
                wire.line("BYE 16777989");
                if (dialect.encrypted()) {
                    assertThat(wire.readLine()).startsWith("MAC ");
                }
                theLastWord(wire, weListen);
            }
            assertThat(producer.get(15, TimeUnit.SECONDS).getException()).isNull();
        }
    }

    /**
     * After the session's last line: where we listened, our end stays open while the peer keeps its own, and closes
     * once the peer half-closes; where we connected, we hang up at once.
     */
    private static void theLastWord(ScriptedPeer.Wire wire, boolean weListen) throws Exception {
        if (weListen) {
            assertThat(wire.silentFor(WATCHED)).as("our end stays open until the peer closes its own").isTrue();
            wire.socket.shutdownOutput();
            assertThat(wire.hungUp()).as("we close once the peer has").isTrue();
        } else {
            wire.socket.setSoTimeout((int) HANGS_UP_WITHIN.toMillis());
            assertThat(wire.hungUp()).as("we connected: we close first, at once").isTrue();
        }
    }

    private static byte[] content(Flow flow, Dialect dialect) {
        byte[] content = new byte[SIZE];
        new Random(31L * flow.ordinal() + dialect.ordinal()).nextBytes(content);
        return content;
    }
}
