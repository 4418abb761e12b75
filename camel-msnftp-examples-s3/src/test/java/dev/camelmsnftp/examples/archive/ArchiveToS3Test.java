package dev.camelmsnftp.examples.archive;

import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
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
    static final String ACCESS_KEY = "archive-access-key";
    static final String SECRET_KEY = "archive/secret+key";

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
        s3.createBucket(bucket -> bucket.bucket(BUCKET));
        // what AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY would give the route through the default provider chain
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

    @Override
    protected void archiveProperties(Properties properties) {
        properties.put("archive.to", "s3");
        properties.put("archive.s3.bucket", BUCKET);
        properties.put("archive.s3.region", "us-east-1");
        properties.put("archive.s3.endpoint", endpoint.toString());
        properties.put("archive.s3.overrideEndpoint", "true");
        properties.put("archive.s3.forcePathStyle", "true");
    }

    @Test
    void receivedFilesArriveAsObjectsUnderTheirNamesWithTheirMetadata() throws Exception {
        List<SampleFile> files = sampleFiles();
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("archive").whenDone(files.size()).create();
        LocalDate before = LocalDate.now();

        for (SampleFile file : files) {
            Exchange sent = send(file.name(), file.path());
            assertThat(sent.getException()).as("sending %s", file.name()).isNull();
        }

        assertThat(handled.matches(60, TimeUnit.SECONDS)).as("the archive route is done with every file").isTrue();
        List<String> keys = s3.listObjectsV2Paginator(list -> list.bucket(BUCKET)).contents().stream()
                .map(S3Object::key).toList();
        assertThat(keys).as("nothing but the files sent").hasSize(files.size());
        for (SampleFile file : files) {
            List<String> named = archivedNames(before, file.name()).stream().filter(keys::contains).toList();
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
