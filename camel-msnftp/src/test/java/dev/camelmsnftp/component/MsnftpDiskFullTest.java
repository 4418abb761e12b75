package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.TransferFailedException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver whose disk fills up in the middle of a file: bob runs in a process of his own whose file size limit
 * ({@code ulimit -f 256}, 256 KiB) makes his writes fail as a full disk would. He tells alice {@code BYE 2147942405}
 * (out of disk), her producer reports it, and bob keeps no partial file.
 */
@EnabledOnOs(OS.LINUX)
class MsnftpDiskFullTest extends MsnftpTestSupport {

    @Test
    void aReceiverWhoseDiskFillsUpSaysSoAndTheProducerReportsIt() throws Exception {
        int bobPort = FreePorts.udpAndTcp();
        Path bobWork = work.resolve("bob-disk-full");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "ulimit -f 256 && exec \"$0\" -cp \"$1\" dev.camelmsnftp.component.DiskFullReceiver \"$2\" \"$3\"", java,
                System.getProperty("java.class.path"), Integer.toString(bobPort), bobWork.toString())
                .redirectError(work.resolve("bob-disk-full.log").toFile());
        Process bob = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("bob started").isEqualTo("READY");

            Exchange sent = template.send(alice("sip:bob@127.0.0.1:" + bobPort, ""),
                    exchange -> exchange.getIn().setBody(new byte[2_000_000]));

            assertThat(sent.getException()).isInstanceOfSatisfying(TransferFailedException.class,
                    e -> assertThat(e.byeCode()).hasValue(2147942405L));
            Exchange small = template.send(alice("sip:bob@127.0.0.1:" + bobPort, ""),
                    exchange -> exchange.getIn().setBody(new byte[10_000]));
            assertThat(small.getException()).as("a file that fits still goes through").isNull();
            assertThat(out.readLine()).as("only the file that fitted was delivered").isEqualTo("RECEIVED");
        } finally {
            bob.getOutputStream().close();
            if (!bob.waitFor(20, TimeUnit.SECONDS)) {
                bob.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(bob.exitValue()).isZero();
        try (var left = Files.list(bobWork)) {
            assertThat(left.map(Path::getFileName).map(Path::toString).toList()).as("no partial file").isEqualTo(List.of());
        }
    }
}
