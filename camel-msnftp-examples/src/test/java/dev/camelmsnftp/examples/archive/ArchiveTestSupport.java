package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import dev.camelmsnftp.component.MsnftpConstants;
import dev.camelmsnftp.testsupport.FreePorts;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    protected static final int ARCHIVE_PORT = FreePorts.udpAndTcp();
    protected static final int ALICE_PORT = FreePorts.udpAndTcp();

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

    /** A file to send. */
    public record SampleFile(String name, Path path, String sha256) {

        static SampleFile of(String name, byte[] content) {
            return in(work.resolve("outbox"), name, content);
        }

        static SampleFile random(String name, int size, long seed) {
            byte[] content = new byte[size];
            new Random(seed).nextBytes(content);
            return of(name, content);
        }

        /** Writes {@code size} random bytes (from {@code seed}) to {@code dir/name}. */
        public static SampleFile random(Path dir, String name, int size, long seed) {
            byte[] content = new byte[size];
            new Random(seed).nextBytes(content);
            return in(dir, name, content);
        }

        private static SampleFile in(Path dir, String name, byte[] content) {
            try {
                Path path = Files.write(Files.createDirectories(dir).resolve(name), content);
                return new SampleFile(name, path, ArchiveTestSupport.sha256(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Waits until the component has kept a received file whose exchange failed in {@code failedDir} (SPEC 5:
     * {@code moveFailed}, by default {@code <workDir>/.failed}): a file with the bytes sent, and beside it a sidecar
     * that names it ({@code offeredName} in the sidecar's name or text; give each case a name of its own, in ASCII).
     */
    public static void assertKeptAsFailed(Path failedDir, String offeredName, String sha256) {
        await("%s kept in %s".formatted(offeredName, failedDir)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(failedDir).isDirectory();
            List<Path> files;
            try (Stream<Path> listed = Files.list(failedDir)) {
                files = listed.filter(Files::isRegularFile).toList();
            }
            List<Path> kept = files.stream().filter(file -> sha256(file).equals(sha256)).toList();
            assertThat(kept).as("the received bytes, kept").hasSize(1);
            assertThat(files).as("a sidecar naming %s", offeredName).anySatisfy(sidecar -> {
                assertThat(sidecar).isNotEqualTo(kept.get(0));
                assertThat(sidecar.getFileName().toString().contains(offeredName)
                        || Files.readString(sidecar, StandardCharsets.ISO_8859_1).contains(offeredName)).isTrue();
            });
        });
    }

    /**
     * Where the route files a name received today from alice in the transfer {@code sent} reported:
     * {@code <sender>/<yyyy>/<MM>/<dd>/<cookie>-<name>}. Both days are returned when the test may have run across
     * midnight.
     */
    public static List<String> archivedNames(LocalDate before, Exchange sent, String name) {
        String file = sent.getMessage().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class) + "-" + name;
        LocalDate after = LocalDate.now();
        DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy/MM/dd");
        String first = SENDER + "/" + before.format(day) + "/" + file;
        return before.equals(after) ? List.of(first) : List.of(first, SENDER + "/" + after.format(day) + "/" + file);
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
}
