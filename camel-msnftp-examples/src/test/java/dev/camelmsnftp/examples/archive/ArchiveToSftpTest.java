package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive route to a real SFTP server ({@code archive.to=sftp}, camel-ftp's {@code sftp:} producer, Apache MINA
 * SSHD on loopback, strict host key checking against a known_hosts file, a password that needs escaping in a URI).
 */
class ArchiveToSftpTest extends ArchiveTestSupport {

    static EmbeddedSftpServer sftp;

    @BeforeAll
    static void startSftpServer() throws IOException {
        sftp = EmbeddedSftpServer.start(work.resolve("sftp"));
    }

    @AfterAll
    static void stopSftpServer() throws IOException {
        sftp.close();
    }

    @Override
    protected void archiveProperties(Properties properties) {
        properties.put("archive.to", "sftp");
        properties.put("archive.sftp.host", "127.0.0.1");
        properties.put("archive.sftp.port", Integer.toString(sftp.port()));
        properties.put("archive.sftp.username", EmbeddedSftpServer.USER);
        properties.put("archive.sftp.password", EmbeddedSftpServer.PASSWORD);
        properties.put("archive.sftp.directory", "archive");
        properties.put("archive.sftp.knownHostsFile", sftp.knownHosts().toString());
    }

    @Test
    void receivedFilesArriveOnTheServerIntactUnderTheirNames() throws Exception {
        List<SampleFile> files = sampleFiles();
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(files.size()).create();
        LocalDate before = LocalDate.now();

        Map<SampleFile, Exchange> sent = new HashMap<>();
        for (SampleFile file : files) {
            sent.put(file, send(file.name(), file.path()));
            assertThat(sent.get(file).getException()).as("sending %s", file.name()).isNull();
        }

        assertThat(handled.matches(60, TimeUnit.SECONDS)).as("the archive route is done with every file").isTrue();
        Path archive = sftp.root().resolve("archive");
        for (SampleFile file : files) {
            assertThat(archivedNames(before, sent.get(file), file.name())).map(archive::resolve).filteredOn(Files::isRegularFile)
                    .as("%s on the SFTP server", file.name()).singleElement()
                    .satisfies(stored -> assertThat(sha256(stored)).as(file.name()).isEqualTo(file.sha256()));
        }
        try (Stream<Path> stored = Files.walk(archive)) {
            assertThat(stored.filter(Files::isRegularFile)).as("nothing else, no upload left half-way")
                    .hasSize(files.size());
        }
        await("the received copies are gone from the work folder").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(workDir()).isEmptyDirectory());
    }
}
