package dev.camelmsnftp.examples.archive;

import dev.camelmsnftp.component.MsnftpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Archives every file received over MSNFTP under {@code <sender>/<yyyy>/<MM>/<dd>/<name>} at the Camel endpoint
 * {@code archive.<archive.to>.uri}: {@code archive.to=folder} or {@code sftp} (or any name with its own
 * {@code archive.<name>.uri}). Everything is set by properties (see {@code application.properties} and the examples'
 * README).
 */
public class ArchiveRoutes extends RouteBuilder {

    /** The S3 object key header of camel-aws2-s3; set as a plain name so that this class needs no AWS dependency. */
    static final String S3_KEY = "CamelAwsS3Key";

    @Override
    public void configure() {
        String to = getContext().getPropertiesComponent().resolveProperty("archive.to").orElse("folder").trim();

        from("msnftp:{{archive.acceptFrom}}?localUser={{archive.localUser}}"
                + "&sipHost={{archive.sipHost}}&sipPort={{archive.sipPort}}&sipTransport={{archive.sipTransport}}"
                + "&ftpHost={{archive.ftpHost}}"
                + "&registrar={{?archive.registrar}}&outboundProxy={{?archive.outboundProxy}}"
                + "&authUsername={{?archive.authUsername}}&password={{?archive.password}}"
                + "&maxFileSize={{archive.maxFileSize}}&encryption={{archive.encryption}}"
                + "&workDir={{archive.workDir}}")
                .routeId("archive")
                .setHeader(Exchange.FILE_NAME,
                        simple("${header." + MsnftpConstants.REMOTE_USER + "}/${date:now:yyyy/MM/dd}/${header.CamelFileName}"))
                .setHeader(S3_KEY, header(Exchange.FILE_NAME))
                .to("{{archive." + to + ".uri}}")
                .log("Archived ${header.CamelFileName} (${header.CamelFileLength} bytes, encrypted=${header."
                        + MsnftpConstants.ENCRYPTED + "}) to " + to);
    }
}
