package dev.camelmsnftp.examples.archive;

import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
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
        assertThat(archivedNames(before, sent, minutes.name())).map(name -> work.resolve("archive").resolve(name))
                .filteredOn(Files::exists).singleElement()
                .satisfies(path -> assertThat(sha256(path)).isEqualTo(minutes.sha256()));
        await("the received copy is gone from the work folder").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(workDir()).isEmptyDirectory());
    }

    /** A sender that sends the same name twice on one day (a daily export, sent again) gets both archived. */
    @Test
    void twoFilesOfTheSameNameOnOneDayAreBothKept() throws Exception {
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(2).create();
        LocalDate before = LocalDate.now();
        SampleFile first = SampleFile.random(work.resolve("outbox-first"), "export.csv", 10_007, 31);
        SampleFile second = SampleFile.random(work.resolve("outbox-second"), "export.csv", 20_011, 37);

        Exchange sentFirst = send(first.name(), first.path());
        Exchange sentSecond = send(second.name(), second.path());

        assertThat(sentFirst.getException()).isNull();
        assertThat(sentSecond.getException()).isNull();
        assertThat(handled.matches(30, TimeUnit.SECONDS)).as("the archive route is done with both files").isTrue();
        for (Map.Entry<Exchange, SampleFile> sent : Map.of(sentFirst, first, sentSecond, second).entrySet()) {
            assertThat(archivedNames(before, sent.getKey(), "export.csv")).map(work.resolve("archive")::resolve)
                    .filteredOn(Files::exists).singleElement()
                    .satisfies(path -> assertThat(sha256(path)).isEqualTo(sent.getValue().sha256()));
        }
    }
}
