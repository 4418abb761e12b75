package dev.camelmsnftp.examples.archive;

import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The archive route with a folder as the archive ({@code archive.to=folder}, the default). */
class ArchiveRoutesTest extends ArchiveTestSupport {

    @Override
    protected void archiveProperties(Properties properties) {
        properties.put("archive.folder.directory", work.resolve("archive").toString());
    }

    @Test
    void receivedFilesAreFiledBySenderAndDate() throws Exception {
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(1).create();
        LocalDate before = LocalDate.now();
        SampleFile minutes = sampleFiles().get(0);

        Exchange sent = send(minutes.name(), minutes.path());

        assertThat(sent.getException()).isNull();
        assertThat(handled.matches(30, TimeUnit.SECONDS)).as("the archive route is done with every file").isTrue();
        assertThat(archivedNames(before, minutes.name())).map(name -> work.resolve("archive").resolve(name))
                .filteredOn(Files::exists).singleElement()
                .satisfies(path -> assertThat(sha256(path)).isEqualTo(minutes.sha256()));
        await("the received copy is gone from the work folder").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(workDir()).isEmptyDirectory());
    }
}
