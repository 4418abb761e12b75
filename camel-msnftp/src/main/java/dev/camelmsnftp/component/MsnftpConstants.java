package dev.camelmsnftp.component;

import org.apache.camel.Exchange;
import org.apache.camel.spi.Metadata;

/**
 * The headers of the {@code msnftp:} component (SPEC section 5). File name and size use Camel's own
 * {@code CamelFileName} / {@code CamelFileLength} so that {@code file:} routes work unchanged.
 */
public final class MsnftpConstants {

    @Metadata(description = "The Invitation-Cookie of the transfer (1..4294967295).", javaType = "long")
    public static final String INVITATION_COOKIE = "CamelMsnftpInvitationCookie";

    @Metadata(description = "Producer: the name to offer (when the fileName option is not set). Consumer: the offered name,"
                            + " reduced to a safe plain file name.",
              javaType = "String")
    public static final String FILE_NAME = Exchange.FILE_NAME;

    @Metadata(description = "Producer: the size sent. Consumer: the size received.", javaType = "long")
    public static final String FILE_LENGTH = Exchange.FILE_LENGTH;

    @Metadata(description = "The MSNFTP BYE code (unsigned 32-bit): the one the receiver sent (producer) or, on the"
                            + " consumer, the code for the complete file, 16777989 (success). With acknowledge=afterRoute and a"
                            + " sender that waits for the outcome, the code the consumer finally sends follows the route: 2147500037"
                            + " when it fails. Not set when an empty file was sent to a receiver that said TFR and never BYE (aMSN"
                            + " does so).",
              javaType = "long")
    public static final String BYE_CODE = "CamelMsnftpByeCode";

    @Metadata(description = "The peer's SIP address in the user-at-host form, without sip: and without a port, on both"
                            + " sides. Producer: the recipient (as the endpoint addresses it). Consumer: the sender (its"
                            + " From address).",
              javaType = "String")
    public static final String REMOTE_USER = "CamelMsnftpRemoteUser";

    @Metadata(label = "producer", description = "On failure: the Cancel-Code of the receiver's CANCEL, if it sent one:"
                                                + " declining the offer (REJECT, FAIL, ...) or cancelling after it accepted"
                                                + " (FTTIMEOUT, OUTBANDCANCEL, ...).",
              javaType = "String")
    public static final String CANCEL_CODE = "CamelMsnftpCancelCode";

    @Metadata(description = "Whether the encrypted variant (MSN_SECURE_FTP) was used.", javaType = "boolean")
    public static final String ENCRYPTED = "CamelMsnftpEncrypted";

    @Metadata(label = "consumer", description = "The file name exactly as the sender offered it.", javaType = "String")
    public static final String ORIGINAL_FILE_NAME = "CamelMsnftpOriginalFileName";

    @Metadata(description = "Who listened for the MSNFTP connection (SPEC 3.1): A (the sender), B (the receiver, asked by"
                            + " Connectivity: N) or C (the receiver, unasked). Producer: set after sending. Consumer: on"
                            + " each exchange.",
              javaType = "String", enums = "A,B,C")
    public static final String FLOW = "CamelMsnftpFlow";

    @Metadata(label = "producer",
              description = "What the receiver's success meant: afterRoute when it confirmed that its route delivered the"
                            + " file (acknowledge=afterRoute on both sides), afterReceive when it only confirmed that it has"
                            + " every byte (a peer that does not know the confirmation, or afterReceive on either side).",
              javaType = "String", enums = "afterRoute,afterReceive")
    public static final String ACKNOWLEDGE = "CamelMsnftpAcknowledge";

    private MsnftpConstants() {
    }
}
