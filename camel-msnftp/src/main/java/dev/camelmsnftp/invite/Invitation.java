package dev.camelmsnftp.invite;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One {@code text/x-msmsgsinvite} body (SPEC section 3), immutable. Build one with {@link #invite}, {@link #accept},
 * {@link #listeningAccept} or {@link #cancel}; read one with {@link InvitationCodec#parse(byte[])}. Fields the codec
 * does not know are kept, in order. {@link #toString()} never shows the AuthCookie or the keys.
 */
public final class Invitation {

    /** {@code Application-Name} of a file transfer. */
    public static final String FILE_TRANSFER_NAME = "File Transfer";
    /** {@code Application-GUID} of a file transfer, as we send it. */
    public static final String FILE_TRANSFER_GUID = "{5D3E02AB-6190-11d3-BBBB-00C04F795683}";
    /** {@code PortX} is the port XOR this mask: an obfuscated copy of the port, not a second port. */
    public static final int PORT_X_MASK = 0x3141;
    /** {@code Delivery-Ack} of an INVITE: the sender can wait for the receiver to say whether it delivered the file. */
    public static final String DELIVERY_ACK_SUPPORTED = "Supported";
    /** {@code Delivery-Ack} of an ACCEPT: the receiver will say whether it delivered the file, after delivering it. */
    public static final String DELIVERY_ACK_AFTER_ROUTE = "After-Route";

    /** A field the codec does not know, kept as it came. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            checkSingleLine(value, name);
        }
    }

    private final InvitationCommand command;
    private final long cookie;
    private final String applicationName;
    private final String applicationGuid;
    private final String fileName;
    private final Long fileSize;
    private final String connectivity;
    private final String encryption;
    private final String deliveryAck;
    private final String ipAddress;
    private final String ipAddressInternal;
    private final Integer port;
    private final Integer portX;
    private final Integer portXInternal;
    private final Long authCookie;
    private final String senderConnect;
    private final TransferKeys keys;
    private final CancelCode cancelCode;
    private final String launchApplication;
    private final String requestData;
    private final List<Field> unknownFields;

    private Invitation(Builder b) {
        this.command = Objects.requireNonNull(b.command, "command");
        this.cookie = checkUnsigned32(b.cookie, 1, "Invitation-Cookie");
        this.applicationName = checkSingleLine(b.applicationName, "Application-Name");
        this.applicationGuid = checkSingleLine(b.applicationGuid, "Application-GUID");
        this.fileName = checkSingleLine(b.fileName, "Application-File");
        this.fileSize = b.fileSize == null ? null : checkUnsigned32(b.fileSize, 0, "Application-FileSize");
        this.connectivity = b.connectivity;
        this.encryption = b.encryption;
        this.deliveryAck = checkSingleLine(b.deliveryAck, "Delivery-Ack");
        this.ipAddress = checkSingleLine(b.ipAddress, "IP-Address");
        this.ipAddressInternal = checkSingleLine(b.ipAddressInternal, "IP-Address-Internal");
        this.port = b.port == null ? null : checkPort(b.port, 1, "Port");
        this.portX = b.portX == null ? null : checkPort(b.portX, 0, "PortX");
        this.portXInternal = b.portXInternal == null ? null : checkPort(b.portXInternal, 0, "PortX-Internal");
        this.authCookie = b.authCookie == null ? null : checkUnsigned32(b.authCookie, 0, "AuthCookie");
        this.senderConnect = b.senderConnect;
        this.keys = b.keys;
        this.cancelCode = b.cancelCode;
        checkSingleLine(cancelCode == null ? null : cancelCode.value(), "Cancel-Code");
        this.launchApplication = b.launchApplication;
        this.requestData = b.requestData;
        this.unknownFields = List.copyOf(b.unknownFields);
    }

    /** An INVITE offering a file: Application-Name and -GUID of a file transfer, the name and the size. */
    public static Builder invite(long cookie, String fileName, long fileSize) {
        Builder b = new Builder(InvitationCommand.INVITE, cookie);
        b.applicationName = FILE_TRANSFER_NAME;
        b.applicationGuid = FILE_TRANSFER_GUID;
        b.fileName = Objects.requireNonNull(fileName, "fileName");
        b.fileSize = fileSize;
        return b;
    }

    /** A plain ACCEPT, not offering to listen: the last four lines of SPEC 3's ACCEPT. */
    public static Builder accept(long cookie) {
        Builder b = new Builder(InvitationCommand.ACCEPT, cookie);
        b.launchApplication = "FALSE";
        b.requestData = "IP-Address:";
        return b;
    }

    /**
     * An ACCEPT from the party that listens: address, port (with its PortX), AuthCookie; add
     * {@link Builder#senderConnect()} when the receiver is the one listening.
     */
    public static Builder listeningAccept(long cookie, String ipAddress, int port, long authCookie) {
        Builder b = accept(cookie);
        b.ipAddress = Objects.requireNonNull(ipAddress, "ipAddress");
        b.port = port;
        b.portX = port ^ PORT_X_MASK;
        b.authCookie = authCookie;
        return b;
    }

    /** A CANCEL with its code. */
    public static Builder cancel(long cookie, CancelCode code) {
        Builder b = new Builder(InvitationCommand.CANCEL, cookie);
        b.cancelCode = Objects.requireNonNull(code, "code");
        return b;
    }

    /** A builder starting from this invitation. */
    public Builder toBuilder() {
        Builder b = new Builder(command, cookie);
        b.applicationName = applicationName;
        b.applicationGuid = applicationGuid;
        b.fileName = fileName;
        b.fileSize = fileSize;
        b.connectivity = connectivity;
        b.encryption = encryption;
        b.deliveryAck = deliveryAck;
        b.ipAddress = ipAddress;
        b.ipAddressInternal = ipAddressInternal;
        b.port = port;
        b.portX = portX;
        b.portXInternal = portXInternal;
        b.authCookie = authCookie;
        b.senderConnect = senderConnect;
        b.keys = keys;
        b.cancelCode = cancelCode;
        b.launchApplication = launchApplication;
        b.requestData = requestData;
        b.unknownFields.addAll(unknownFields);
        return b;
    }

    public InvitationCommand command() {
        return command;
    }

    /** The Invitation-Cookie, 1..4294967295. */
    public long cookie() {
        return cookie;
    }

    public Optional<String> applicationName() {
        return Optional.ofNullable(applicationName);
    }

    public Optional<String> applicationGuid() {
        return Optional.ofNullable(applicationGuid);
    }

    /** Whether the Application-GUID is the File Transfer one (compared case-insensitively, as peers write 11D3). */
    public boolean isFileTransfer() {
        return FILE_TRANSFER_GUID.equalsIgnoreCase(applicationGuid);
    }

    /** Application-File, exactly as offered (not safe to use as a path). */
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }

    public OptionalLong fileSize() {
        return fileSize == null ? OptionalLong.empty() : OptionalLong.of(fileSize);
    }

    /** Whether the inviter says it cannot accept an incoming connection ({@code Connectivity: N}). */
    public boolean inviterCannotListen() {
        return "N".equalsIgnoreCase(connectivity);
    }

    /** The raw Connectivity value. */
    public Optional<String> connectivity() {
        return Optional.ofNullable(connectivity);
    }

    /** The raw Encryption value (R: required, S: supported). */
    public Optional<String> encryption() {
        return Optional.ofNullable(encryption);
    }

    /** {@code Encryption: R}: the inviter speaks only the encrypted variant. */
    public boolean encryptionRequired() {
        return "R".equalsIgnoreCase(encryption);
    }

    /** {@code Encryption: R} or {@code S}: the inviter can speak the encrypted variant. */
    public boolean encryptionOffered() {
        return encryptionRequired() || "S".equalsIgnoreCase(encryption);
    }

    /** The raw Delivery-Ack value (ours: SPEC 5, acknowledge=afterRoute). */
    public Optional<String> deliveryAck() {
        return Optional.ofNullable(deliveryAck);
    }

    /** INVITE with {@code Delivery-Ack: Supported}: the sender waits for the receiver's delivery outcome if offered. */
    public boolean senderAwaitsDelivery() {
        return DELIVERY_ACK_SUPPORTED.equalsIgnoreCase(deliveryAck);
    }

    /** ACCEPT with {@code Delivery-Ack: After-Route}: the receiver reports the outcome of its delivery. */
    public boolean receiverReportsDelivery() {
        return DELIVERY_ACK_AFTER_ROUTE.equalsIgnoreCase(deliveryAck);
    }

    public Optional<String> ipAddress() {
        return Optional.ofNullable(ipAddress);
    }

    public Optional<String> ipAddressInternal() {
        return Optional.ofNullable(ipAddressInternal);
    }

    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The raw PortX (port XOR 0x3141). */
    public OptionalInt portX() {
        return portX == null ? OptionalInt.empty() : OptionalInt.of(portX);
    }

    /** The raw PortX-Internal (internal port XOR 0x3141). */
    public OptionalInt portXInternal() {
        return portXInternal == null ? OptionalInt.empty() : OptionalInt.of(portXInternal);
    }

    /** The port of the internal address: PortX-Internal XOR 0x3141 when given, else Port. */
    public OptionalInt internalPort() {
        return portXInternal != null ? OptionalInt.of(portXInternal ^ PORT_X_MASK) : port();
    }

    public OptionalLong authCookie() {
        return authCookie == null ? OptionalLong.empty() : OptionalLong.of(authCookie);
    }

    /** {@code Sender-Connect: TRUE}: the receiver listens and the sender connects. */
    public boolean senderConnect() {
        return "TRUE".equalsIgnoreCase(senderConnect);
    }

    /** Whether this ACCEPT offers to listen: it has an address, a port and an AuthCookie. */
    public boolean offersToListen() {
        return ipAddress != null && port != null && authCookie != null;
    }

    /** The keys of the encrypted variant, when the ACCEPT carries them. */
    public Optional<TransferKeys> keys() {
        return Optional.ofNullable(keys);
    }

    public Optional<CancelCode> cancelCode() {
        return Optional.ofNullable(cancelCode);
    }

    public Optional<String> launchApplication() {
        return Optional.ofNullable(launchApplication);
    }

    public Optional<String> requestData() {
        return Optional.ofNullable(requestData);
    }

    /** Fields the codec does not know, in the order they came. */
    public List<Field> unknownFields() {
        return unknownFields;
    }

    /** The known fields with their wire values, in the order we write them; unknown fields are not included. */
    List<Field> knownFields() {
        List<Field> fields = new ArrayList<>();
        for (InvitationField field : InvitationField.values()) {
            String value = wireValue(field);
            if (value != null) {
                fields.add(new Field(field.wireName(), value));
            }
        }
        return fields;
    }

    private String wireValue(InvitationField field) {
        return switch (field) {
            case APPLICATION_NAME -> applicationName;
            case APPLICATION_GUID -> applicationGuid;
            case IP_ADDRESS -> ipAddress;
            case IP_ADDRESS_INTERNAL -> ipAddressInternal;
            case PORT -> string(port);
            case PORT_X -> string(portX);
            case PORT_X_INTERNAL -> string(portXInternal);
            case AUTH_COOKIE -> string(authCookie);
            case SENDER_CONNECT -> senderConnect;
            case ENCRYPTION_KEY -> keys == null ? null : keys.encryptionKeyBase64();
            case HASH_KEY -> keys == null ? null : keys.hashKeyBase64();
            case INVITATION_COMMAND -> command.name();
            case INVITATION_COOKIE -> Long.toString(cookie);
            case APPLICATION_FILE -> fileName;
            case APPLICATION_FILE_SIZE -> string(fileSize);
            case CONNECTIVITY -> connectivity;
            case ENCRYPTION -> encryption;
            case DELIVERY_ACK -> deliveryAck;
            case CANCEL_CODE -> cancelCode == null ? null : cancelCode.value();
            case LAUNCH_APPLICATION -> launchApplication;
            case REQUEST_DATA -> requestData;
        };
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static long checkUnsigned32(long value, long min, String name) {
        if (value < min || value > Cookies.MAX) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + Cookies.MAX + ": " + value);
        }
        return value;
    }

    /** Values are written one per line: a line break inside one would inject fields. */
    private static String checkSingleLine(String value, String name) {
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException(name + " must not contain a line break");
        }
        return value;
    }

    private static int checkPort(int value, int min, String name) {
        if (value < min || value > 65535) {
            throw new IllegalArgumentException(name + " must be in " + min + "..65535: " + value);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Invitation other && cookie == other.cookie && command == other.command
               && knownFields().equals(other.knownFields()) && unknownFields.equals(other.unknownFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, cookie, knownFields(), unknownFields);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Invitation[");
        for (Field field : knownFields()) {
            boolean secret = field.name().equals(InvitationField.AUTH_COOKIE.wireName())
                             || field.name().endsWith("-Key");
            text.append(field.name()).append('=').append(secret ? "***" : field.value()).append(", ");
        }
        for (Field field : unknownFields) {
            text.append(field.name()).append('=').append(field.value()).append(", ");
        }
        text.setLength(text.length() - 2);
        return text.append(']').toString();
    }

    /** Builds an {@link Invitation}; values are checked when {@link #build()} runs. */
    public static final class Builder {
        private final InvitationCommand command;
        private final long cookie;
        private String applicationName;
        private String applicationGuid;
        private String fileName;
        private Long fileSize;
        private String connectivity;
        private String encryption;
        private String deliveryAck;
        private String ipAddress;
        private String ipAddressInternal;
        private Integer port;
        private Integer portX;
        private Integer portXInternal;
        private Long authCookie;
        private String senderConnect;
        private TransferKeys keys;
        private CancelCode cancelCode;
        private String launchApplication;
        private String requestData;
        private final List<Field> unknownFields = new ArrayList<>();

        Builder(InvitationCommand command, long cookie) {
            this.command = command;
            this.cookie = cookie;
        }

        /** {@code Connectivity: N}: we cannot accept an incoming connection, so the receiver should listen. */
        public Builder connectivityN() {
            this.connectivity = "N";
            return this;
        }

        /** {@code Encryption: R} when required, {@code S} when only supported. */
        public Builder encryption(boolean required) {
            this.encryption = required ? "R" : "S";
            return this;
        }

        /**
         * {@code Delivery-Ack}: {@link #DELIVERY_ACK_SUPPORTED} in our INVITE, {@link #DELIVERY_ACK_AFTER_ROUTE} in our
         * ACCEPT (SPEC 5, acknowledge=afterRoute).
         */
        public Builder deliveryAck(String value) {
            this.deliveryAck = Objects.requireNonNull(value, "value");
            return this;
        }

        /** An internal (LAN) address and port, with the port written as PortX-Internal. */
        public Builder internalAddress(String address, int internalPort) {
            this.ipAddressInternal = Objects.requireNonNull(address, "address");
            this.portXInternal = internalPort ^ PORT_X_MASK;
            return this;
        }

        /** {@code Sender-Connect: TRUE}: the receiver listens, the sender connects. */
        public Builder senderConnect() {
            this.senderConnect = "TRUE";
            return this;
        }

        /** The keys of the encrypted variant (receiver's ACCEPT). */
        public Builder keys(TransferKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        public Invitation build() {
            return new Invitation(this);
        }

        // raw setters for the codec: values as they came, already checked

        Builder set(InvitationField field, String value, Object typed) {
            switch (field) {
                case APPLICATION_NAME -> applicationName = value;
                case APPLICATION_GUID -> applicationGuid = value;
                case IP_ADDRESS -> ipAddress = value;
                case IP_ADDRESS_INTERNAL -> ipAddressInternal = value;
                case PORT -> port = (Integer) typed;
                case PORT_X -> portX = (Integer) typed;
                case PORT_X_INTERNAL -> portXInternal = (Integer) typed;
                case AUTH_COOKIE -> authCookie = (Long) typed;
                case SENDER_CONNECT -> senderConnect = value;
                case APPLICATION_FILE -> fileName = value;
                case APPLICATION_FILE_SIZE -> fileSize = (Long) typed;
                case CONNECTIVITY -> connectivity = value;
                case ENCRYPTION -> encryption = value;
                case DELIVERY_ACK -> deliveryAck = value;
                case CANCEL_CODE -> cancelCode = CancelCode.of(value);
                case LAUNCH_APPLICATION -> launchApplication = value;
                case REQUEST_DATA -> requestData = value;
                case ENCRYPTION_KEY, HASH_KEY, INVITATION_COMMAND, INVITATION_COOKIE ->
                    throw new IllegalArgumentException(field + " is set by the codec itself");
            }
            return this;
        }

        Builder keysFromCodec(TransferKeys keys) {
            this.keys = keys;
            return this;
        }

        Builder unknown(Field field) {
            unknownFields.add(field);
            return this;
        }
    }
}
