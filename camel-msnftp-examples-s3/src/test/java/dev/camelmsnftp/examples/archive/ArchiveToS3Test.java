package dev.camelmsnftp.examples.archive;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive route to a real S3 server ({@code archive.to=s3}, camel-aws2-s3 with {@code overrideEndpoint},
 * {@code uriEndpointOverride} and {@code forcePathStyle}, s3proxy on loopback with AWS signatures checked, credentials
 * from the AWS default provider chain): objects arrive intact under the received name, with the msnftp headers as user
 * metadata.
 */
class ArchiveToS3Test extends ArchiveTestSupport {

    static final String BUCKET = "msnftp-archive";

    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void startS3Server() throws Exception {
        server = EmbeddedS3.start();
        s3 = server.client();
        s3.createBucket(bucket -> bucket.bucket(BUCKET));
    }

    @AfterAll
    static void stopS3Server() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void archiveProperties(Properties properties) {
        server.configureArchive(properties, BUCKET);
    }

    @Test
    void receivedFilesArriveAsObjectsUnderTheirNamesWithTheirMetadata() throws Exception {
        List<SampleFile> files = sampleFiles();
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(files.size()).create();
        LocalDate before = LocalDate.now();

        Map<SampleFile, Exchange> sent = new HashMap<>();
        for (SampleFile file : files) {
            sent.put(file, send(file.name(), file.path()));
            assertThat(sent.get(file).getException()).as("sending %s", file.name()).isNull();
        }

        assertThat(handled.matches(60, TimeUnit.SECONDS)).as("the archive route is done with every file").isTrue();
        List<String> keys = s3.listObjectsV2Paginator(list -> list.bucket(BUCKET)).contents().stream()
                .map(S3Object::key).toList();
        assertThat(keys).as("nothing but the files sent").hasSize(files.size());
        for (SampleFile file : files) {
            List<String> named = archivedNames(before, sent.get(file), file.name()).stream().filter(keys::contains).toList();
            assertThat(named).as("%s in the bucket", file.name()).hasSize(1);
            String key = named.get(0);
            try (InputStream object = s3.getObject(get -> get.bucket(BUCKET).key(key))) {
                assertThat(sha256(object)).as(key).isEqualTo(file.sha256());
            }
            HeadObjectResponse head = s3.headObject(h -> h.bucket(BUCKET).key(key));
            Map<String, String> metadata = head.metadata();
            assertThat(head.contentLength()).isEqualTo(Files.size(file.path()));
            assertThat(metadata).containsEntry(ArchiveRoutes.META_SENDER, SENDER)
                    .containsEntry(ArchiveRoutes.META_ENCRYPTED, "true")
                    .containsKey(ArchiveRoutes.META_COOKIE);
            assertThat(URLDecoder.decode(metadata.get(ArchiveRoutes.META_ORIGINAL_NAME), StandardCharsets.UTF_8))
                    .isEqualTo(file.name());
            assertThat(Long.parseLong(metadata.get(ArchiveRoutes.META_COOKIE))).isBetween(1L, 4294967295L);
        }
        await("the received copies are gone from the work folder").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(workDir()).isEmptyDirectory());
    }
}
