package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The archive route to SFTP logging in with a private key and no password, as the README suggests for production. */
class ArchiveToSftpWithPrivateKeyTest extends ArchiveTestSupport {

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
        properties.put("archive.sftp.privateKeyFile", sftp.clientKey().toString());
        properties.put("archive.sftp.directory", "archive");
        properties.put("archive.sftp.knownHostsFile", sftp.knownHosts().toString());
    }

    @Test
    void aPrivateKeyIsEnough() throws Exception {
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(1).create();
        LocalDate before = LocalDate.now();
        SampleFile minutes = sampleFiles().get(0);

        Exchange sent = send(minutes.name(), minutes.path());

        assertThat(sent.getException()).isNull();
        assertThat(handled.matches(60, TimeUnit.SECONDS)).as("the archive route is done with every file").isTrue();
        assertThat(archivedNames(before, sent, minutes.name())).map(sftp.root().resolve("archive")::resolve)
                .filteredOn(Files::isRegularFile).singleElement()
                .satisfies(stored -> assertThat(sha256(stored)).isEqualTo(minutes.sha256()));
    }
}
