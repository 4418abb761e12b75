package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * pidgin-sipe's own MSNFTP code (Debian package {@code pidgin-sipe}) driven by {@code tools/sipe/sipe_tftp_driver.py}:
 * the independent peer for the encrypted dialect. One instance is one run of the driver.
 */
public final class SipePeer implements AutoCloseable {

    private static final Path LIBSIPE = Path.of("/usr/lib/purple-2/libsipe.so");

    private final Process process;
    private final Path log;

    private SipePeer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Skips (or, in CI, fails) the calling test when pidgin-sipe or the driver is missing. */
    public static void assumeInstalled() {
        boolean installed = Files.exists(driver()) && (Files.exists(LIBSIPE) || dpkgHas("pidgin-sipe"));
        ExternalPeers.assumePeer("pidgin-sipe", installed, "apt-get install -y --no-install-recommends pidgin-sipe python3");
    }

    /** The settings the driver takes from its environment. */
    public record Settings(byte[] encryptionKey, byte[] hashKey, long authCookie, String sipeUser, String peerUri) {
        Map<String, String> environment() {
            return Map.of("ENC_KEY_B64", Base64.getEncoder().encodeToString(encryptionKey),
                    "HASH_KEY_B64", Base64.getEncoder().encodeToString(hashKey),
                    "AUTH_COOKIE", Long.toString(authCookie),
                    "SIPE_USER", sipeUser,
                    "PEER_URI", peerUri);
        }
    }

    /** sipe as the RECEIVER: it connects to our sender on {@code port} and writes what it got to {@code out}. */
    public static SipePeer receive(Settings settings, int port, long size, Path out, Path workDir) throws IOException {
        return start(settings, workDir, "recv", "127.0.0.1", Integer.toString(port), Long.toString(size), out.toString());
    }

    /** sipe as the SENDER: it listens on a free port (see {@link #awaitListening}) and sends {@code file}. */
    public static SipePeer send(Settings settings, int port, Path file, Path workDir) throws IOException {
        return start(settings, workDir, "send", Integer.toString(port), file.toString());
    }

    /** A port free right now on 127.0.0.1, for the driver to listen on. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static SipePeer start(Settings settings, Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(python());
        command.add(driver().toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "sipe-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(settings.environment());
        return new SipePeer(builder.start(), log);
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

    private static Path driver() {
        return Path.of(System.getProperty("msnftp.sipe.driver", "../tools/sipe/sipe_tftp_driver.py"));
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static boolean dpkgHas(String pkg) {
        try {
            Process dpkg = new ProcessBuilder("dpkg", "-s", pkg).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return dpkg.waitFor(10, TimeUnit.SECONDS) && dpkg.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
