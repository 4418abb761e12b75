package dev.camelmsnftp.examples.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.component.MsnftpComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The embedded demo: alice and bob, two SIP users on loopback in one JVM, no SIP server. A few sample files (one of
 * several MB) are dropped in alice's outbox; her route sends each to bob over SIP and MSNFTP; bob's route writes them to
 * his inbox. The demo prints a line per file as it goes and a summary, and exits 0 when every file arrived intact.
 *
 * <p>Usage: {@code LoopbackDemo [demo-dir]} (default {@code target/demo}); {@code -Ddemo.bigFileMiB=N} sets the size of
 * the large sample (8 MiB by default).
 */
public final class LoopbackDemo {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path dir;
    private final int bigFileBytes;
    private final PrintStream out;

    public LoopbackDemo(Path dir, int bigFileBytes, PrintStream out) {
        this.dir = dir;
        this.bigFileBytes = bigFileBytes;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/demo").toAbsolutePath();
        int bigFileBytes = Integer.getInteger("demo.bigFileMiB", 8) << 20;
        System.exit(new LoopbackDemo(dir, bigFileBytes, System.out).run());
    }

    /** Runs the demo; returns the process exit code: 0 when every file arrived intact, 1 otherwise. */
    public int run() throws Exception {
        deleteRecursively(dir);
        Map<String, String> samples = createSamples(Files.createDirectories(dir.resolve("samples")));
        int alicePort = freePort();
        int bobPort = freePort();
        DemoReport report = new DemoReport(samples.size(), out);
        out.printf("alice@corp.example (SIP port %d) sends %d files to bob@corp.example (SIP port %d) on loopback%n",
                alicePort, samples.size(), bobPort);
        out.printf("outbox %s%ninbox  %s%n%n", dir.resolve("outbox"), dir.resolve("inbox"));

        boolean complete;
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new DemoRoutes(dir, alicePort, bobPort, report));
            // progress of the large files, from the component's transfer events
            camel.getComponent("msnftp", MsnftpComponent.class).addTransferListener(new DemoProgress(out));
            camel.start();
            Path outbox = Files.createDirectories(dir.resolve("outbox"));
            for (String name : samples.keySet()) {
                // a rename is atomic: the file: consumer never sees a half-written file
                Files.move(dir.resolve("samples").resolve(name), outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            complete = report.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        Map<String, Boolean> intact = new LinkedHashMap<>();
        samples.forEach((name, checksum) -> intact.put(name, checksum.equals(sha256OrNull(dir.resolve("inbox").resolve(name)))));
        report.summary(samples.keySet().stream().toList(), intact);
        boolean allIntact = complete && !intact.containsValue(false);
        out.println();
        out.println(allIntact ? "OK: all " + samples.size() + " files arrived intact."
                : "FAILED: " + (complete ? "some files differ" : "not every file arrived within " + TIMEOUT_SECONDS + " s"));
        return allIntact ? 0 : 1;
    }

    /** Writes the sample files and returns their SHA-256 by name. */
    private Map<String, String> createSamples(Path samples) throws IOException {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("hello.txt", -1);
        sizes.put("empty.log", 0);
        sizes.put("photo 2026-11-25.jpg", 300_000);
        sizes.put("Quartalsbericht Q3 (Entwurf) ü.pdf", 1_500_000);
        sizes.put("dataset.bin", bigFileBytes);
        Map<String, String> checksums = new LinkedHashMap<>();
        Random random = new Random(2026);
        for (Map.Entry<String, Integer> sample : sizes.entrySet()) {
            Path file = samples.resolve(sample.getKey());
            if (sample.getValue() < 0) {
                Files.writeString(file, "Hello Bob, this came over SIP and MSNFTP.\n");
            } else {
                try (OutputStream stream = Files.newOutputStream(file)) {
                    byte[] block = new byte[65536];
                    for (int left = sample.getValue(); left > 0; left -= block.length) {
                        random.nextBytes(block);
                        stream.write(block, 0, Math.min(left, block.length));
                    }
                }
            }
            checksums.put(sample.getKey(), sha256OrNull(file));
        }
        return checksums;
    }

    private static String sha256OrNull(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port on 127.0.0.1 that is free for both UDP and TCP (the SIP stack binds both). */
    static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                    return port;
                } catch (IOException inUseForUdp) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + loopback);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
