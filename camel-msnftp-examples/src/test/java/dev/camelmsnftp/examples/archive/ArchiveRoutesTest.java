package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The archive route with a folder as the archive, fed by a real sender on loopback. */
class ArchiveRoutesTest extends CamelTestSupport {

    @TempDir
    static Path work;

    static final int ARCHIVE_PORT = freePort();
    static final int ALICE_PORT = freePort();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        // the example's own settings, as Camel Main would load them, with loopback ports and a folder as the archive
        Properties properties = new Properties();
        try (var in = ArchiveRoutes.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        properties.put("archive.localUser", "archive@corp.example");
        properties.put("archive.sipHost", "127.0.0.1");
        properties.put("archive.sipPort", Integer.toString(ARCHIVE_PORT));
        properties.put("archive.uri", "file:" + work.resolve("archive"));
        return properties;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] { new ArchiveRoutes(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").to("msnftp:sip:archive@127.0.0.1:" + ARCHIVE_PORT
                        + "?localUser=alice@corp.example&sipHost=127.0.0.1&sipPort=" + ALICE_PORT + "&ftpHost=127.0.0.1");
            }
        } };
    }

    @Test
    void receivedFilesAreFiledBySenderAndDate() throws Exception {
        NotifyBuilder archived = new NotifyBuilder(context).fromRoute("archive").whenCompleted(1).create();
        LocalDate before = LocalDate.now();

        template.sendBodyAndHeader("direct:send", "minutes of the meeting", Exchange.FILE_NAME, "minutes.txt");

        assertThat(archived.matches(30, TimeUnit.SECONDS)).isTrue();
        LocalDate after = LocalDate.now();
        Path expected = archivedAt(before);
        if (!Files.exists(expected)) {
            expected = archivedAt(after); // the test ran across midnight
        }
        assertThat(expected).hasContent("minutes of the meeting");
    }

    private static Path archivedAt(LocalDate day) {
        return work.resolve("archive").resolve("alice@corp.example")
                .resolve(day.format(DateTimeFormatter.ofPattern("yyyy/MM/dd"))).resolve("minutes.txt");
    }

    private static int freePort() {
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
