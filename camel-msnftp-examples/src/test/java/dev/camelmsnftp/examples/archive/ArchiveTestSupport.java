package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive route ({@link ArchiveRoutes}) with the example's own {@code application.properties}, on loopback, fed by
 * a real msnftp sender (alice) through {@code direct:send}. Subclasses say where the archive is
 * ({@link #archiveProperties(Properties)}).
 */
public abstract class ArchiveTestSupport extends CamelTestSupport {

    public static final String SENDER = "alice@corp.example";

    @TempDir
    public static Path work;

    // static: one pair for every instance JUnit and Camel's test support create (an instance field gave the routes and
    // the properties different ports)
    protected static final int ARCHIVE_PORT = freePort();
    protected static final int ALICE_PORT = freePort();

    /** Where the archive is: {@code archive.to} and its settings. */
    protected abstract void archiveProperties(Properties properties);

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        // the example's own settings, as Camel Main would load them, with loopback addresses and ports
        Properties properties = new Properties();
        try (InputStream in = ArchiveRoutes.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.put("archive.localUser", "archive@corp.example");
        properties.put("archive.sipHost", "127.0.0.1");
        properties.put("archive.ftpHost", "127.0.0.1");
        properties.put("archive.sipPort", Integer.toString(ARCHIVE_PORT));
        properties.put("archive.workDir", workDir().toString());
        archiveProperties(properties);
        return properties;
    }

    /** The archive route's work folder (failed files are kept in its {@code .failed}). */
    protected Path workDir() {
        return work.resolve("msnftp-work-" + getClass().getSimpleName());
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] { new ArchiveRoutes(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").routeId("alice").to("msnftp:sip:archive@127.0.0.1:" + ARCHIVE_PORT
                        + "?localUser=" + SENDER + "&sipHost=127.0.0.1&sipPort=" + ALICE_PORT + "&ftpHost=127.0.0.1");
            }
        } };
    }

    /** Sends a file as alice, offering it under {@code name}; the exchange tells how it went. */
    protected Exchange send(String name, Path file) {
        return template.send("direct:send", exchange -> {
            exchange.getIn().setBody(file.toFile());
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    /** Files worth archiving: text, empty, a name with spaces and non-ASCII letters, several MiB of random bytes. */
    protected static List<SampleFile> sampleFiles() {
        return List.of(
                SampleFile.of("minutes.txt", "minutes of the meeting\n".getBytes(StandardCharsets.UTF_8)),
                SampleFile.of("empty.log", new byte[0]),
                SampleFile.random("Relevé de compte – März.pdf", 70_001, 1),
                SampleFile.random("scan 4711.tiff", 5 * 1024 * 1024 + 3, 2));
    }

    /** A file to send, written under {@link #work}. */
    public record SampleFile(String name, Path path, String sha256) {

        static SampleFile of(String name, byte[] content) {
            try {
                Path dir = Files.createDirectories(work.resolve("outbox"));
                Path path = Files.write(dir.resolve(name), content);
                return new SampleFile(name, path, ArchiveTestSupport.sha256(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static SampleFile random(String name, int size, long seed) {
            byte[] content = new byte[size];
            new Random(seed).nextBytes(content);
            return of(name, content);
        }
    }

    /**
     * Where the route files a name received today from alice: {@code <sender>/<yyyy>/<MM>/<dd>/<name>}. Both days are
     * returned when the test may have run across midnight.
     */
    protected static List<String> archivedNames(LocalDate before, String name) {
        LocalDate after = LocalDate.now();
        DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy/MM/dd");
        String first = SENDER + "/" + before.format(day) + "/" + name;
        return before.equals(after) ? List.of(first) : List.of(first, SENDER + "/" + after.format(day) + "/" + name);
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
                digesting.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A loopback port free for both UDP and TCP (SIP listens on both). */
    public static int freePort() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP");
    }
}
