package dev.camelmsnftp.examples.archive;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.camelmsnftp.component.MsnftpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;

/**
 * Archives every file received over MSNFTP under {@code <sender>/<yyyy>/<MM>/<dd>/<cookie>-<name>} at the Camel endpoint
 * {@code archive.<archive.to>.uri}: {@code archive.to=folder}, {@code sftp} or {@code s3} (or any name with its own
 * {@code archive.<name>.uri}). The invitation cookie before the name keeps two files of the same name from one sender
 * on one day apart (a folder, an SFTP server and S3 would each replace the first with the second) and finds the
 * transfer in the logs of both sides. Everything is set by properties (see {@code application.properties} and the
 * examples' README).
 */
public class ArchiveRoutes extends RouteBuilder {

    /** The S3 object key header of camel-aws2-s3; set as a plain name so that this class needs no AWS dependency. */
    static final String S3_KEY = "CamelAwsS3Key";
    /** The S3 user metadata header of camel-aws2-s3 (a {@code Map<String, String>}). */
    static final String S3_METADATA = "CamelAwsS3Metadata";

    /** User metadata of an archived S3 object ({@code x-amz-meta-...}): the sender's SIP address. */
    public static final String META_SENDER = "msnftp-sender";
    /** User metadata: the file name exactly as the sender offered it, percent-encoded UTF-8. */
    public static final String META_ORIGINAL_NAME = "msnftp-original-name";
    /** User metadata: the invitation cookie of the transfer, to find it in the logs of both sides. */
    public static final String META_COOKIE = "msnftp-cookie";
    /** User metadata: whether the file came over the encrypted dialect ({@code true} / {@code false}). */
    public static final String META_ENCRYPTED = "msnftp-encrypted";

    @Override
    public void configure() {
        String to = getContext().getPropertiesComponent().resolveProperty("archive.to").orElse("folder").trim();

        from("msnftp:{{archive.acceptFrom}}?identity={{archive.localUser}}"
                + "&sipHost={{archive.sipHost}}&sipPort={{archive.sipPort}}&sipTransport={{archive.sipTransport}}"
                + "&ftpHost={{archive.ftpHost}}&advertisedAddress={{?archive.advertisedAddress}}"
                + "&alwaysListen={{archive.alwaysListen}}"
                + "&registrar={{?archive.registrar}}&outboundProxy={{?archive.outboundProxy}}"
                + "&authUsername={{?archive.authUsername}}&password=RAW({{?archive.password}})"
                + "&maxFileSize={{archive.maxFileSize}}&encryption={{archive.encryption}}"
                + "&workDir={{archive.workDir}}")
                .routeId("archive")
                .setHeader(Exchange.FILE_NAME,
                        simple("${header." + MsnftpConstants.REMOTE_USER + "}/${date:now:yyyy/MM/dd}/${header."
                                + MsnftpConstants.INVITATION_COOKIE + "}-${header.CamelFileName}"))
                .setHeader(S3_KEY, header(Exchange.FILE_NAME))
                .process(exchange -> s3Metadata(exchange.getMessage()))
                .to("{{archive." + to + ".uri}}")
                .log("Archived ${header.CamelFileName} (${header.CamelFileLength} bytes, encrypted=${header."
                        + MsnftpConstants.ENCRYPTED + "}) to " + to);
    }

    /**
     * What the msnftp headers say about a file, as S3 user metadata (ignored by the other targets). S3 metadata is
     * US-ASCII: the name as offered is percent-encoded UTF-8.
     */
    static void s3Metadata(Message in) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_SENDER, in.getHeader(MsnftpConstants.REMOTE_USER, String.class));
        metadata.put(META_ORIGINAL_NAME, URLEncoder.encode(
                in.getHeader(MsnftpConstants.ORIGINAL_FILE_NAME, String.class), StandardCharsets.UTF_8));
        metadata.put(META_COOKIE, in.getHeader(MsnftpConstants.INVITATION_COOKIE, String.class));
        metadata.put(META_ENCRYPTED, in.getHeader(MsnftpConstants.ENCRYPTED, String.class));
        in.setHeader(S3_METADATA, metadata);
    }
}
