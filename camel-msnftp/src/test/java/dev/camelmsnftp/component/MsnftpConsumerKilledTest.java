package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer killed (SIGKILL) after the bytes are in but before its route finished: with acknowledge=afterRoute the
 * producer reports a failure, never success, in every flow and both dialects (SIP modes alternate; SIP over TCP, so that
 * the dead peer is noticed at once and no SIP request waits for it). Bob runs in a process of his own
 * ({@link RoutingReceiver}), as in {@link MsnftpDiskFullTest}, so that he can really die.
 */
@EnabledOnOs(OS.LINUX)
class MsnftpConsumerKilledTest extends MsnftpTestSupport {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (Flow flow : Flow.values()) {
            for (String encryption : new String[] { "disabled", "auto" }) {
                cases.add(Arguments.of(flow, encryption, i++ % 2 == 0 ? "session" : "pager"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}")
    @MethodSource("cases")
    void theProducerOfAFileWhoseConsumerDiedMidRouteReportsAFailure(Flow flow, String encryption, String mode)
            throws Exception {
        int bobPort = FreePorts.udpAndTcp();
        Path bobWork = work.resolve("bob-killed-" + flow + "-" + encryption);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process bob = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"),
                RoutingReceiver.class.getName(), Integer.toString(bobPort), bobWork.toString(),
                Boolean.toString(flow == Flow.C))
                .redirectError(work.resolve("bob-killed-" + flow + "-" + encryption + ".log").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("bob started").isEqualTo("READY");
            String uri = alice("sip:bob@127.0.0.1:" + bobPort + ";transport=tcp", "sipTransport=tcp&encryption=" + encryption
                                                                                + "&sipMode=" + mode + "&connectivity="
                                                                                + (flow != Flow.B));

            Future<Exchange> sent = template.asyncSend(uri, exchange -> {
                exchange.getIn().setBody(new byte[300_000]);
                exchange.getIn().setHeader(Exchange.FILE_NAME, "dies-mid-route.bin");
            });
            assertThat(out.readLine()).as("the bytes are in and bob's route runs").isEqualTo("ROUTING dies-mid-route.bin");
            bob.destroyForcibly(); // SIGKILL
            assertThat(bob.waitFor(20, TimeUnit.SECONDS)).isTrue();

            Exchange done = sent.get(30, TimeUnit.SECONDS);
            assertThat(done.getException()).as("never success").isInstanceOfSatisfying(TransferConnectionLostException.class,
                    e -> assertThat(e.phase()).isEqualTo(TransferException.Phase.TRANSFER));
            assertThat(done.getException()).hasMessageContaining("whether it delivered the file");
        } finally {
            if (bob.isAlive()) {
                bob.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
