package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * pidgin-sipe's own MSNFTP code (Debian package {@code pidgin-sipe}) driven by the project's driver,
 * {@code tools/sipe/sipe_peer.c}, which the tests build with gcc once per run: the independent peer for the encrypted
 * dialect. One instance is one run of the driver.
 */
public final class SipePeer implements AutoCloseable {

    private static final Path LIBSIPE = Path.of(System.getProperty("msnftp.sipe.libsipe", "/usr/lib/purple-2/libsipe.so"));
    private static final Path SOURCE = Path.of(System.getProperty("msnftp.sipe.driver", "../tools/sipe/sipe_peer.c"));
    private static final Path BUILD = Path.of(System.getProperty("msnftp.sipe.build", "target/sipe-peer"));
    private static final String INSTALL = "apt-get install -y --no-install-recommends pidgin-sipe gcc libc6-dev";
    private static Path driver;
    private static String buildError;

    private final Process process;
    private final Path log;

    private SipePeer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Skips (or, in CI, fails) the calling test when pidgin-sipe or gcc is missing; builds the driver. */
    public static void assumeInstalled() {
        ExternalPeers.assumePeer("pidgin-sipe", Files.exists(LIBSIPE), INSTALL);
        ExternalPeers.assumePeer("gcc (to build tools/sipe/sipe_peer.c)", onPath("gcc"), INSTALL);
        if (build() == null) {
            throw new IllegalStateException("Cannot build the pidgin-sipe driver " + SOURCE + ": " + buildError);
        }
    }

    /** The settings the driver takes on its command line. */
    public record Settings(byte[] encryptionKey, byte[] hashKey, long authCookie, String sipeUser, String peerUri) {
        List<String> arguments() {
            return List.of("--libsipe", LIBSIPE.toString(),
                    "--encryption-key", Base64.getEncoder().encodeToString(encryptionKey),
                    "--hash-key", Base64.getEncoder().encodeToString(hashKey),
                    "--auth-cookie", Long.toString(authCookie),
                    "--sipe-user", sipeUser,
                    "--peer-uri", peerUri);
        }
    }

    /** sipe as the RECEIVER: it connects to our sender on {@code port} and writes what it got to {@code out}. */
    public static SipePeer receive(Settings settings, int port, long size, Path out, Path workDir) throws IOException {
        return start(settings, workDir, "receive", "--connect", "127.0.0.1:" + port, "--size", Long.toString(size),
                "--out", out.toString());
    }

    /** sipe as the SENDER: it listens on {@code port} (see {@link #awaitListening}) and sends {@code file}. */
    public static SipePeer send(Settings settings, int port, Path file, Path workDir) throws IOException {
        return start(settings, workDir, "send", "--listen", Integer.toString(port), "--in", file.toString());
    }

    /** A port free right now on 127.0.0.1, for the driver to listen on. */
    public static int freePort() {
        return FreePorts.tcp();
    }

    private static SipePeer start(Settings settings, Path workDir, String role, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(build().toString());
        command.add(role);
        command.addAll(List.of(arguments));
        command.addAll(settings.arguments());
        Path log = Files.createTempFile(workDir, "sipe-", ".log");
        return new SipePeer(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
                log);
    }

    /** Compiles the driver once per test run; {@code null} (and {@link #buildError}) when that failed. */
    private static synchronized Path build() {
        if (driver != null || buildError != null) {
            return driver;
        }
        try {
            Files.createDirectories(BUILD);
            Path binary = BUILD.resolve("sipe_peer");
            Path output = BUILD.resolve("gcc.log");
            Process gcc = new ProcessBuilder("gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                    binary.toString(), SOURCE.toString(), "-ldl").redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!gcc.waitFor(60, TimeUnit.SECONDS)) {
                gcc.destroyForcibly();
                buildError = "gcc did not finish within 60 s";
            } else if (gcc.exitValue() != 0) {
                buildError = Files.readString(output);
            } else {
                driver = binary;
            }
        } catch (IOException e) {
            buildError = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            buildError = "interrupted";
        }
        return driver;
    }

    /** Waits until the sending driver listens (it prints LISTENING). */
    public void awaitListening(Duration within) {
        await("pidgin-sipe to listen").atMost(within).pollInSameThread().pollInterval(Duration.ofMillis(20))
                .until(() -> output().contains("LISTENING") || !process.isAlive());
        if (!output().contains("LISTENING")) {
            throw new IllegalStateException("pidgin-sipe did not start: " + output());
        }
    }

    /** Waits for the driver to end; its exit code (0: sipe reported success). */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pidgin-sipe did not finish within " + within + ": " + output());
        }
        return process.exitValue();
    }

    /** What the driver printed. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

}
