package dev.camelmsnftp.examples.archive;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import dev.camelmsnftp.examples.archive.ArchiveTestSupport.SampleFile;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.archivedNames;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.assertKeptAsFailed;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the S3 bucket of the archive route is missing, no file is lost (SPEC 5, {@code acknowledge=afterRoute} and
 * {@code moveFailed}): the sender is told the transfer failed, the archive keeps what it received in
 * {@code <workDir>/.failed} with a sidecar, and once the bucket exists the file sent again arrives.
 */
class ArchiveToS3FailuresTest {

    static final String BUCKET = "msnftp-archive-later";

    @TempDir
    static Path work;

    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void startS3Server() throws Exception {
        server = EmbeddedS3.start();
        s3 = server.client();
    }

    @AfterAll
    static void stopS3Server() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bucketMissingFailsTheSenderTheFileIsKeptAndSentAgainItArrives() throws Exception {
        try (RunningArchive archive = RunningArchive.start(work.resolve("work"), properties -> server.configureArchive(properties, BUCKET))) {
            SampleFile file = SampleFile.random(work.resolve("outbox"), "before-the-bucket.bin", 250_001, 23);

            Exchange sent = archive.send("", file.name(), file.path());

            assertThat(sent.getException()).as("the sender is told that the archive did not take it").isNotNull();
            assertKeptAsFailed(archive.failedDir(), file.name(), file.sha256());

            s3.createBucket(bucket -> bucket.bucket(BUCKET));
            LocalDate before = LocalDate.now();
            Exchange again = archive.send("", file.name(), file.path());

            assertThat(again.getException()).as("sent again once the bucket exists").isNull();
            List<String> keys = s3.listObjectsV2Paginator(list -> list.bucket(BUCKET)).contents().stream()
                    .map(S3Object::key).toList();
            List<String> named = archivedNames(before, again, file.name()).stream().filter(keys::contains).toList();
            assertThat(named).as("the object, once").hasSize(1).hasSameSizeAs(keys);
            try (InputStream object = s3.getObject(get -> get.bucket(BUCKET).key(named.get(0)))) {
                assertThat(sha256(object)).isEqualTo(file.sha256());
            }
        }
    }
}
