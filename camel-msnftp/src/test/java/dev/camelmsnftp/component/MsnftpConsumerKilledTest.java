package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferConnectionLostException;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer killed (SIGKILL) after the bytes are in but before its route finished, with acknowledge=afterRoute: the
 * producer reports a failure, never success; Camel's redelivery then sends the file again to bob started anew on the
 * same address and work directory, and it arrives, whole; what the killed process left in the work directory is gone.
 * So no file is acknowledged and lost. In every flow and both dialects (SIP modes alternate; SIP over TCP, so that the
 * dead peer is noticed at once and no SIP request waits for it). Bob runs in processes of his own
 * ({@link RoutingReceiver}): the one that is killed and, warmed up beside it, the one that takes over.
 */
@EnabledOnOs(OS.LINUX)
class MsnftpConsumerKilledTest extends MsnftpTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** The exceptions of the attempts that Camel redelivered. */
    private final List<Throwable> failedAttempts = new CopyOnWriteArrayList<>();
    /** What Camel's redelivery does first: bob's new process starts his consumer. */
    private volatile Bob standby;
    private volatile String standbyCommand;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (Flow flow : Flow.values()) {
            for (String encryption : new String[] { "disabled", "required" }) {
                cases.add(Arguments.of(flow, encryption, i++ % 2 == 0 ? "session" : "pager"));
            }
        }
        return cases.stream();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").errorHandler(defaultErrorHandler().maximumRedeliveries(1).redeliveryDelay(0)
                        .onRedelivery(exchange -> {
                            failedAttempts.add(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
                            standby.send(standbyCommand);
                            assertThat(standby.next()).as("bob started again").isEqualTo("LISTENING");
                        }))
                        .toD("${header.target}");
            }
        };
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}")
    @MethodSource("cases")
    void aConsumerKilledMidRouteIsNeverTakenForDeliveredAndTheRedeliveryArrives(Flow flow, String encryption, String mode)
            throws Exception {
        int bobPort = FreePorts.udpAndTcp();
        String name = "bob-killed-" + flow + "-" + encryption;
        Path bobWork = work.resolve(name);
        Path file = randomFile(name + ".bin", 300_000);
        String bob = bobPort + " " + bobWork + " " + (flow == Flow.C);
        try (Bob killed = Bob.start(work.resolve(name + "-1")); Bob next = Bob.start(work.resolve(name + "-2"))) {
            assertThat(killed.next()).isEqualTo("READY");
            killed.send("HOLD " + bob);
            assertThat(killed.next()).isEqualTo("LISTENING");
            assertThat(next.next()).isEqualTo("READY");
            standby = next;
            standbyCommand = "DELIVER " + bob;

            // generous time-outs: bob's new process answers its first SIP request cold, on a loaded machine
            String target = alice("sip:bob@127.0.0.1:" + bobPort + ";transport=tcp",
                    "sipTransport=tcp&acceptTimeout=30s&transferTimeout=30s&encryption=" + encryption + "&sipMode=" + mode
                                                                                     + "&connectivity=" + (flow != Flow.B));
            Future<Exchange> sent = template.asyncSend("direct:send", exchange -> {
                exchange.getIn().setBody(file.toFile());
                exchange.getIn().setHeader(Exchange.FILE_NAME, file.getFileName().toString());
                exchange.getIn().setHeader("target", target);
            });
            assertThat(killed.next()).as("the bytes are in and bob's route runs").isEqualTo("ROUTING " + file.getFileName());
            killed.kill();

            Exchange done = sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(failedAttempts).as("the attempt whose consumer died failed, never succeeded").singleElement()
                    .isInstanceOfSatisfying(TransferConnectionLostException.class, e -> {
                        assertThat(e.phase()).isEqualTo(TransferException.Phase.TRANSFER);
                        assertThat(e).hasMessageContaining("whether it delivered the file");
                    });
            assertThat(done.getException()).as("the redelivery went through").isNull();
            assertThat(next.next()).as("and bob's new process has the whole file")
                    .isEqualTo("RECEIVED " + file.getFileName() + " " + sha256(file));
            try (Stream<Path> left = Files.list(bobWork)) {
                assertThat(left.map(path -> path.getFileName().toString())).as("the killed process's file was cleaned up")
                        .noneMatch(left1 -> left1.startsWith("msnftp-"));
            }
        }
    }

    /** One of bob's processes: its lines, its input, and SIGKILL. */
    static final class Bob implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Writer input;

        private Bob(Process process) {
            this.process = process;
            this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process is gone
                }
                lines.add("EXITED");
            }, "bob-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts {@link RoutingReceiver} with {@code scratch} for its warm-up and its log. */
        static Bob start(Path scratch) throws IOException {
            Files.createDirectories(scratch);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new Bob(new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), RoutingReceiver.class.getName(),
                    scratch.toString()).redirectError(scratch.resolve("bob.log").toFile()).start());
        }

        String next() throws InterruptedException {
            String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("bob printed nothing within " + WAIT);
            }
            return line;
        }

        void send(String line) throws IOException {
            input.write(line + "\n");
            input.flush();
        }

        /** SIGKILL: no shutdown hook, no clean-up, as the OOM killer or kill -9 would. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("bob died").isTrue();
        }

        @Override
        public void close() throws Exception {
            try {
                input.close();
            } catch (IOException gone) {
                // killed
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
