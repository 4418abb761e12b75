package dev.camelmsnftp.invite;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields the codec knows, declared in the order we write them: the order of SPEC section 3's INVITE, listening
 * ACCEPT and CANCEL examples, which is the order the official clients wrote.
 */
enum InvitationField {
    APPLICATION_NAME("Application-Name"),
    APPLICATION_GUID("Application-GUID"),
    IP_ADDRESS("IP-Address"),
    IP_ADDRESS_INTERNAL("IP-Address-Internal"),
    PORT("Port"),
    PORT_X("PortX"),
    PORT_X_INTERNAL("PortX-Internal"),
    AUTH_COOKIE("AuthCookie"),
    SENDER_CONNECT("Sender-Connect"),
    ENCRYPTION_KEY("Encryption-Key"),
    HASH_KEY("Hash-Key"),
    INVITATION_COMMAND("Invitation-Command"),
    INVITATION_COOKIE("Invitation-Cookie"),
    APPLICATION_FILE("Application-File"),
    APPLICATION_FILE_SIZE("Application-FileSize"),
    CONNECTIVITY("Connectivity"),
    ENCRYPTION("Encryption"),
    /** Ours, not Microsoft's: the delivery confirmation of SPEC 5 (acknowledge=afterRoute); other peers ignore it. */
    DELIVERY_ACK("Delivery-Ack"),
    CANCEL_CODE("Cancel-Code"),
    LAUNCH_APPLICATION("Launch-Application"),
    REQUEST_DATA("Request-Data");

    private static final Map<String, InvitationField> BY_LOWER_CASE_NAME = new HashMap<>();

    static {
        for (InvitationField field : values()) {
            BY_LOWER_CASE_NAME.put(field.wireName.toLowerCase(Locale.ROOT), field);
        }
    }

    private final String wireName;

    InvitationField(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** The known field with this name, compared case-insensitively. */
    static Optional<InvitationField> byName(String name) {
        return Optional.ofNullable(BY_LOWER_CASE_NAME.get(name.toLowerCase(Locale.ROOT)));
    }
}
