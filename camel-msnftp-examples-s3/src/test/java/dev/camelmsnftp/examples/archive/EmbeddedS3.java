package dev.camelmsnftp.examples.archive;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import static org.awaitility.Awaitility.await;

/**
 * A real S3 server for the archive tests: s3proxy on a free loopback port, in memory, checking AWS signatures, with a
 * client to look at what arrived. While it runs, the credentials are where the AWS default provider chain finds them
 * (what {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} would give the route).
 */
final class EmbeddedS3 implements AutoCloseable {

    static final String ACCESS_KEY = "archive-access-key";
    static final String SECRET_KEY = "archive/secret+key";

    private final S3Proxy server;
    private final URI endpoint;
    private final S3Client client;

    private EmbeddedS3(S3Proxy server, URI endpoint, S3Client client) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = client;
    }

    static EmbeddedS3 start() throws Exception {
        S3Proxy server = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        server.start();
        await("s3proxy started").atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(server.getState()));
        URI endpoint = URI.create("http://127.0.0.1:" + server.getPort());
        S3Client client = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        return new EmbeddedS3(server, endpoint, client);
    }

    S3Client client() {
        return client;
    }

    /** The archive route's settings for {@code bucket} on this server. */
    void configureArchive(Map<Object, Object> properties, String bucket) {
        properties.put("archive.to", "s3");
        properties.put("archive.s3.bucket", bucket);
        properties.put("archive.s3.region", "us-east-1");
        properties.put("archive.s3.endpoint", endpoint.toString());
        properties.put("archive.s3.overrideEndpoint", "true");
        properties.put("archive.s3.forcePathStyle", "true");
    }

    @Override
    public void close() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        client.close();
        server.stop();
    }
}
