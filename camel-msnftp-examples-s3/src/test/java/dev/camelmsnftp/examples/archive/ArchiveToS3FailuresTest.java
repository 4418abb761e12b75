package dev.camelmsnftp.examples.archive;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import dev.camelmsnftp.examples.archive.ArchiveTestSupport.SampleFile;
import org.apache.camel.Exchange;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.archivedNames;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.assertKeptAsFailed;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the S3 bucket of the archive route is missing, no file is lost (SPEC 5, {@code acknowledge=afterRoute} and
 * {@code moveFailed}): the sender is told the transfer failed, the archive keeps what it received in
 * {@code <workDir>/.failed} with a sidecar, and once the bucket exists the file sent again arrives.
 */
class ArchiveToS3FailuresTest {

    static final String BUCKET = "msnftp-archive-later";
    static final String ACCESS_KEY = "archive-access-key";
    static final String SECRET_KEY = "archive/secret+key";

    @TempDir
    static Path work;

    static S3Proxy server;
    static URI endpoint;
    static S3Client s3;

    @BeforeAll
    static void startS3Server() throws Exception {
        server = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        server.start();
        await("s3proxy started").atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(server.getState()));
        endpoint = URI.create("http://127.0.0.1:" + server.getPort());
        s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    @AfterAll
    static void stopS3Server() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void bucketMissingFailsTheSenderTheFileIsKeptAndSentAgainItArrives() throws Exception {
        try (RunningArchive archive = RunningArchive.start(work.resolve("work"), properties -> {
            properties.put("archive.to", "s3");
            properties.put("archive.s3.bucket", BUCKET);
            properties.put("archive.s3.region", "us-east-1");
            properties.put("archive.s3.endpoint", endpoint.toString());
            properties.put("archive.s3.overrideEndpoint", "true");
            properties.put("archive.s3.forcePathStyle", "true");
        })) {
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
            List<String> named = archivedNames(before, file.name()).stream().filter(keys::contains).toList();
            assertThat(named).as("the object, once").hasSize(1).hasSameSizeAs(keys);
            try (InputStream object = s3.getObject(get -> get.bucket(BUCKET).key(named.get(0)))) {
                assertThat(sha256(object)).isEqualTo(file.sha256());
            }
        }
    }
}
