package dev.camelmsnftp.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.ChildJvm;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Processes killed with SIGKILL in the middle of a transfer and started again ({@link PeerProcess}): what they left in
 * their work directory is deleted when they start, a second process cannot take a work directory in use, and a
 * session-mode sender reaches a receiver that restarted at the first attempt (its old IM session is answered 481 and
 * the invitation goes in a new one).
 */
@EnabledOnOs(OS.LINUX)
class MsnftpRestartTest extends MsnftpTestSupport {

    static final Duration START = Duration.ofSeconds(60);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "")).process(checksum()).to("mock:received");
            }
        };
    }

    private static List<String> temporaryFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("msnftp-")).toList();
        }
    }

    private static long partBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".part")).mapToLong(path -> path.toFile()
                    .length()).sum();
        }
    }

    private ChildJvm startCarol(int port, Path workDir) throws Exception {
        ChildJvm carol = PeerProcess.start(work.resolve("carol.log"), "receive", "carol",
                Integer.toString(port), workDir.toString());
        assertThat(carol.next(START)).isEqualTo("READY");
        return carol;
    }

    @Test
    void aReceiverKilledMidTransferCleansUpAtRestartKeepsItsWorkDirToItselfAndTheSessionSenderReachesItAtOnce()
            throws Exception {
        int carolPort = FreePorts.udpAndTcp();
        Path carolWork = work.resolve("carol-restart");
        String toCarol = alice("sip:carol@127.0.0.1:" + carolPort, "sipMode=session");
        Path first = randomFile("first.bin", 300_000);
        Path second = randomFile("second.bin", 300_000);

        ChildJvm carol = startCarol(carolPort, carolWork);
        try {
            // alice opens an IM session with carol and sends a file in it
            Exchange sent = template.send(toCarol, exchange -> exchange.getIn().setBody(first.toFile()));
            assertThat(sent.getException()).isNull();
            assertThat(carol.next(START)).isEqualTo("RECEIVED first.bin " + sha256(first));

            // another sender is half-way through a file when carol is killed
            try (ScriptedPeer dave = new ScriptedPeer("dave");
                 ScriptedPeer.Wire wire = dave.offer("sip:carol@127.0.0.1:" + carolPort, Flow.B, Dialect.MSNFTP,
                         "half.bin", 1_000_000, SipMode.PAGER)) {
                byte[] block = new byte[2048];
                block[1] = (byte) 0xfd;
                block[2] = 0x07;
                for (int i = 0; i < 10; i++) {
                    wire.write(block);
                }
                await("carol has written part of the file").atMost(Duration.ofSeconds(10))
                        .until(() -> partBytes(carolWork) >= 10 * 2045);
                carol.kill();
            }
            assertThat(temporaryFiles(carolWork)).as("the killed process left its partial file").hasSize(1);
        } finally {
            carol.close();
        }

        carol = startCarol(carolPort, carolWork);
        try {
            assertThat(temporaryFiles(carolWork)).as("deleted when carol started again").isEmpty();

            // nobody else can take carol's work directory while she runs: a route that tries does not start
            try (CamelContext other = new DefaultCamelContext()) {
                other.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(uri("*", "erin", FreePorts.udpAndTcp(), "workDir=" + carolWork)).to("mock:never");
                    }
                });
                assertThatThrownBy(other::start).hasStackTraceContaining("is in use by another process")
                        .hasStackTraceContaining("pid " + carol.pid());
            }

            // alice still holds the IM session the killed carol had: the new carol answers 481, and the file goes in
            // a new session, at the first attempt
            long start = System.nanoTime();
            Exchange again = template.send(toCarol, exchange -> exchange.getIn().setBody(second.toFile()));
            System.out.printf("Receiver restart: the session-mode sender's first file after it took %d ms (%s)%n",
                    (System.nanoTime() - start) / 1_000_000, again.getException() == null ? "sent" : again.getException());
            assertThat(again.getException()).as("sent at the first attempt").isNull();
            assertThat(carol.next(START)).isEqualTo("RECEIVED second.bin " + sha256(second));
            assertThat(carol.stop(Duration.ofSeconds(30))).isZero();
        } finally {
            carol.close();
        }
    }

    @Test
    void aSenderKilledMidTransferLeavesNoFileAtTheReceiverAndCleansItsSpoolAtRestart() throws Exception {
        int alicePort = FreePorts.udpAndTcp();
        Path aliceWork = work.resolve("alice-restart");
        Path file = randomFile("streamed.bin", 3_000_000);
        MockEndpoint received = getMockEndpoint("mock:received");

        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            ChildJvm alice = PeerProcess.start(work.resolve("alice.log"), "send", "alice",
                    Integer.toString(alicePort), aliceWork.toString(), erin.address());
            try {
                assertThat(alice.next(START)).isEqualTo("READY");
                alice.send("SEND " + file);
                try (ScriptedPeer.Wire wire = erin.receive(erin.next(Duration.ofSeconds(30)), Flow.B, Dialect.MSNFTP)) {
                    wire.readData(10 * 2045);
                    assertThat(temporaryFiles(aliceWork)).as("the stream alice spooled").hasSize(1);
                    alice.kill();
                    assertThatThrownBy(() -> wire.readData(3_000_000)).as("the connection died with alice")
                            .isInstanceOf(java.io.IOException.class);
                }
            } finally {
                alice.close();
            }
        }
        assertThat(temporaryFiles(aliceWork)).as("the killed process left its spooled stream").hasSize(1);

        received.expectedMessageCount(1);
        ChildJvm alice = PeerProcess.start(work.resolve("alice.log"), "send", "alice",
                Integer.toString(alicePort), aliceWork.toString(), "sip:bob@127.0.0.1:" + BOB_PORT);
        try {
            assertThat(alice.next(START)).isEqualTo("READY");
            assertThat(temporaryFiles(aliceWork)).as("deleted when alice started again").isEmpty();
            alice.send("SEND " + file);
            assertThat(alice.next(Duration.ofSeconds(30))).startsWith("SENT ");
            MockEndpoint.assertIsSatisfied(context, 20, TimeUnit.SECONDS);
            assertThat(received.getReceivedExchanges().get(0).getIn().getHeader(SHA256)).isEqualTo(sha256(file));
            assertThat(alice.stop(Duration.ofSeconds(30))).isZero();
        } finally {
            alice.close();
        }
    }
}
