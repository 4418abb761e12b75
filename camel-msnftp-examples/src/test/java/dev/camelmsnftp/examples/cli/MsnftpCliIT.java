package dev.camelmsnftp.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged command line, target/msnftp.jar, as an administrator runs it: a receiver and a sender, each its own
 * process on loopback. The file arrives intact with a summary on both sides; rejection, time-out, failure and a bad
 * command line end with their own exit codes.
 */
class MsnftpCliIT {

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A running msnftp process; its output goes to a file the test reads. */
    private record Run(Process process, Path output) {
        String text() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }

        int exitCode() throws Exception {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the process ends").isTrue();
            return process.exitValue();
        }
    }

    private Run msnftp(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("msnftp.cli.jar", "target/msnftp.jar")));
        command.addAll(List.of(args));
        Path output = dir.resolve(name + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        processes.add(process);
        return new Run(process, output);
    }

    private Run receiver(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("receive", dir.resolve("inbox").toString(), "--identity",
                "bob@corp.example", "--sipHost", "127.0.0.1", "--sipPort", Integer.toString(port), "--ftpHost", "127.0.0.1",
                "--workDir", dir.resolve("bob-work").toString(), "--timeout", "60s"));
        args.addAll(List.of(extra));
        Run receiver = msnftp("receive", args.toArray(String[]::new));
        await("the receiver is ready").atMost(60, TimeUnit.SECONDS).until(() -> receiver.text().contains("waiting for")
                                                                                 || !receiver.process().isAlive());
        assertThat(receiver.process().isAlive()).as(receiver.text()).isTrue();
        return receiver;
    }

    private Run sender(Path file, String peer, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("send", file.toString(), peer, "--identity", "alice@corp.example",
                "--sipHost", "127.0.0.1", "--sipPort", "0", "--ftpHost", "127.0.0.1",
                "--workDir", dir.resolve("alice-work").toString()));
        args.addAll(List.of(extra));
        return msnftp("send", args.toArray(String[]::new));
    }

    private Path file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void aFileGoesFromOneProcessToTheOtherWithASummaryOnEachSide() throws Exception {
        int port = FreePorts.udpAndTcp();
        Run receiver = receiver(port);
        Path file = file("report 2026.pdf", 2_000_000);

        Run sender = sender(file, "sip:bob@127.0.0.1:" + port);

        assertThat(sender.exitCode()).as(sender.text()).isZero();
        assertThat(receiver.exitCode()).as(receiver.text()).isZero();
        assertThat(sender.text()).containsPattern("sent report 2026\\.pdf \\(2\\.0 MB\\) to sip:bob@127\\.0\\.0\\.1:" + port
                                                  + " in [0-9.]+ s, [0-9.]+ [kMG]?B/s, encrypted, BYE 16777989, cookie [0-9]+");
        assertThat(receiver.text()).containsPattern("received report 2026\\.pdf \\(2\\.0 MB\\) from alice@corp\\.example,"
                                                    + " encrypted, BYE 16777989, cookie [0-9]+");
        assertThat(Files.readAllBytes(dir.resolve("inbox").resolve("report 2026.pdf"))).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aDeclinedFileEndsBothWithExitCode3() throws Exception {
        int port = FreePorts.udpAndTcp();
        Run receiver = receiver(port, "--maxFileSize", "1000");
        Run sender = sender(file("big.bin", 5000), "sip:bob@127.0.0.1:" + port);

        assertThat(sender.exitCode()).as(sender.text()).isEqualTo(MsnftpCli.REJECTED);
        assertThat(sender.text()).contains("bob@127.0.0.1 declined big.bin (Cancel-Code REJECT");
        assertThat(receiver.exitCode()).as(receiver.text()).isEqualTo(MsnftpCli.REJECTED);
        assertThat(receiver.text()).contains("declined big.bin (5.0 kB) from alice@corp.example");
    }

    @Test
    void nobodyAnsweringIsATimeOutWithExitCode4OnBothSides() throws Exception {
        int silent = FreePorts.udpAndTcp();
        Run sender = sender(file("a.bin", 100), "sip:bob@127.0.0.1:" + silent, "--acceptTimeout", "2s");
        Run receiver = msnftp("receive-alone", "receive", dir.resolve("inbox").toString(), "--identity",
                "bob@corp.example", "--sipHost", "127.0.0.1", "--sipPort", Integer.toString(FreePorts.udpAndTcp()), "--timeout", "3s");

        assertThat(sender.exitCode()).as(sender.text()).isEqualTo(MsnftpCli.TIMED_OUT);
        assertThat(sender.text()).contains("no answer over UDP within 2 s from 127.0.0.1:" + silent);
        assertThat(receiver.exitCode()).as(receiver.text()).isEqualTo(MsnftpCli.TIMED_OUT);
        assertThat(receiver.text()).contains("timed out after 3s with 0 of 1 file(s)");
    }

    @Test
    void aFailureIsExitCode1AndABadCommandLine2() throws Exception {
        int closed = FreePorts.udpAndTcp();
        Run refused = sender(file("a.bin", 100), "sip:bob@127.0.0.1:" + closed, "--sipTransport", "tcp");
        Run usage = msnftp("usage", "send", "a.bin");

        assertThat(refused.exitCode()).as(refused.text()).isEqualTo(MsnftpCli.FAILED);
        assertThat(refused.text()).contains("nothing accepts SIP over TCP at the peer address 127.0.0.1:" + closed);
        assertThat(usage.exitCode()).as(usage.text()).isEqualTo(MsnftpCli.USAGE);
        assertThat(usage.text()).contains("Missing required");
    }
}
