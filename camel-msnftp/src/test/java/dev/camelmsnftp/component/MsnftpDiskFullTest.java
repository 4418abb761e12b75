package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferFailedException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A receiver whose disk fills up in the middle of a file, in every flow and dialect: bob and carol run in a process of
 * their own whose file size limit ({@code ulimit -f 256}, 256 KiB) makes their writes fail as a full disk would. They
 * tell alice {@code BYE 2147942405} (out of disk), her producer reports it, they keep no partial file, and a file that
 * fits still goes through.
 */
@EnabledOnOs(OS.LINUX)
class MsnftpDiskFullTest extends MsnftpTestSupport {

    static final int BOB_PORT = FreePorts.udpAndTcp();
    static final int CAROL_PORT = FreePorts.udpAndTcp();
    static Path receiverWork;
    static Process receivers;
    static BufferedReader receiverOutput;

    @BeforeAll
    static void startTheReceiversUnderAFileSizeLimit() throws Exception {
        receiverWork = Files.createDirectories(work.resolve("disk-full"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        receivers = new ProcessBuilder("bash", "-c",
                "ulimit -f 256 && exec \"$0\" -cp \"$1\" dev.camelmsnftp.component.DiskFullReceiver \"$2\" \"$3\" \"$4\"",
                java, System.getProperty("java.class.path"), Integer.toString(BOB_PORT), Integer.toString(CAROL_PORT),
                receiverWork.toString()).redirectError(work.resolve("disk-full.log").toFile()).start();
        receiverOutput = new BufferedReader(new InputStreamReader(receivers.getInputStream(), StandardCharsets.UTF_8));
        assertThat(receiverOutput.readLine()).as("bob and carol started").isEqualTo("READY");
    }

    @AfterAll
    static void stopTheReceivers() throws Exception {
        receivers.getOutputStream().close();
        if (!receivers.waitFor(20, TimeUnit.SECONDS)) {
            receivers.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(receivers.exitValue()).isZero();
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aReceiverWhoseDiskFillsUpSaysSoAndTheProducerReportsIt(Flow flow, Dialect dialect) throws Exception {
        String receiver = flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
        String uri = alice(receiver, sending(flow, dialect, SipMode.SESSION));

        Exchange sent = template.send(uri, exchange -> exchange.getIn().setBody(new byte[2_000_000]));

        assertThat(sent.getException()).isInstanceOfSatisfying(TransferFailedException.class, e -> {
            assertThat(e.byeCode()).as("the BYE code on the wire").hasValue(2147942405L);
            assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
        });
        Exchange small = template.send(uri, exchange -> exchange.getIn().setBody(new byte[10_000]));
        assertThat(small.getException()).as("a file that fits still goes through").isNull();
        assertThat(receiverOutput.readLine()).as("only the file that fitted was delivered").isEqualTo("RECEIVED");
        Path left = receiverWork.resolve(flow == Flow.C ? "carol" : "bob");
        await("no partial file").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(left));
    }

    /**
     * The same seen from the wire: a scripted sender writes until bob or carol says {@code BYE 2147942405}, and then no
     * {@code CANCEL} follows over SIP (a CANCEL racing the BYE could reach a sender first and make it report a
     * cancellation instead of the full disk).
     */
    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void theFullReceiverSaysByeOnTheWireAndSendsNoCancel(Flow flow, Dialect dialect) throws Exception {
        String receiver = flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
        try (ScriptedPeer sam = new ScriptedPeer("sam");
             ScriptedPeer.Wire wire = sam.offer(receiver, flow, dialect, "too-big.bin", 2_000_000, SipMode.SESSION)) {
            CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> {
                try {
                    return wire.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] block = ScriptedPeer.Wire.dataBlock(2000);
            try {
                // 1000 blocks is the whole file: the receiver's limit (256 KiB) is hit long before
                for (int i = 0; i < 1000 && !said.isDone(); i++) {
                    wire.write(block);
                }
            } catch (IOException closedUnderOurWrite) {
                // the receiver hung up after its BYE: what it said is read below
            }
            assertThat(said.get(15, TimeUnit.SECONDS)).as("the receiver's line").isEqualTo("BYE 2147942405");
            assertThat(sam.quietFor(Duration.ofMillis(500))).as("no CANCEL after the BYE").isEmpty();
        }
        Path left = receiverWork.resolve(flow == Flow.C ? "carol" : "bob");
        await("no partial file").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(left));
    }
}
