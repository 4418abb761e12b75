package dev.camelmsnftp.invite;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.camelmsnftp.invite.MalformedInvitationException.Reason;

/**
 * Reads and writes {@code text/x-msmsgsinvite} bodies (SPEC section 3).
 * <p>
 * Reading is lenient: CRLF or bare LF, empty lines ignored, names matched case-insensitively, values trimmed, UTF-8,
 * unknown fields kept. A known field given twice with the same value counts once; with different values the body is
 * refused ({@link Reason#CONFLICTING_FIELD}), since there is no telling which one the peer meant. Writing is strict:
 * {@code Name: value} lines ended by CRLF, in the official clients' order, no trailing blank line, UTF-8.
 */
public final class InvitationCodec {

    /** Bodies larger than this are refused unread: real invitations are a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private InvitationCodec() {
    }

    /** Parses a body received as bytes (UTF-8). */
    public static Invitation parse(byte[] body) throws MalformedInvitationException {
        if (body.length > MAX_BODY_BYTES) {
            throw new MalformedInvitationException(Reason.TOO_LARGE,
                    "Invitation body of " + body.length + " bytes exceeds " + MAX_BODY_BYTES);
        }
        try {
            return parse(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            throw new MalformedInvitationException(Reason.NOT_NAME_VALUE_LINES, "Invitation body is not UTF-8 text");
        }
    }

    /** Parses a body received as text. */
    public static Invitation parse(String body) throws MalformedInvitationException {
        if (body.length() > MAX_BODY_BYTES) {
            throw new MalformedInvitationException(Reason.TOO_LARGE,
                    "Invitation body of " + body.length() + " characters exceeds " + MAX_BODY_BYTES);
        }
        Map<InvitationField, String> known = new EnumMap<>(InvitationField.class);
        List<Invitation.Field> unknown = new ArrayList<>();
        int lineNumber = 0;
        // CRLF, a bare LF or a bare CR ends a line: no value can carry a line break into what we format later
        for (int start = 0, end; start <= body.length(); start = end + (body.startsWith("\r\n", end) ? 2 : 1)) {
            end = lineEnd(body, start);
            String line = body.substring(start, end);
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (!isToken(name)) {
                throw new MalformedInvitationException(Reason.NOT_NAME_VALUE_LINES,
                        "Line " + lineNumber + " of the invitation is not a 'Name: value' line");
            }
            String value = line.substring(colon + 1).trim();
            Optional<InvitationField> field = InvitationField.byName(name);
            if (field.isEmpty()) {
                unknown.add(new Invitation.Field(name, value));
                continue;
            }
            String previous = known.putIfAbsent(field.get(), value);
            if (previous != null && !previous.equals(value)) {
                throw new MalformedInvitationException(Reason.CONFLICTING_FIELD,
                        "Field " + field.get().wireName() + " is given twice with different values");
            }
        }
        return build(known, unknown);
    }

    /**
     * Whether {@code body} has an {@code Invitation-Command} line with {@code command}, without parsing the rest: a
     * look before deciding where to parse it. Lines, names and values are taken as {@link #parse} takes them, so when
     * this says yes, {@code parse} gives that command or refuses the body (two different commands), never another.
     */
    public static boolean commandIs(byte[] body, InvitationCommand command) {
        if (body.length > MAX_BODY_BYTES) {
            return false;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        for (int start = 0, end; start <= text.length(); start = end + (text.startsWith("\r\n", end) ? 2 : 1)) {
            end = lineEnd(text, start);
            int colon = colonIn(text, start, end);
            if (colon >= 0
                && InvitationField.byName(text.substring(start, colon).trim())
                        .filter(field -> field == InvitationField.INVITATION_COMMAND).isPresent()) {
                return InvitationCommand.fromWire(text.substring(colon + 1, end)).filter(command::equals).isPresent();
            }
        }
        return false;
    }

    /** The first ':' in {@code text[from, to)}, or -1: looked for within the line only, so that a look stays linear. */
    private static int colonIn(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                return i;
            }
        }
        return -1;
    }

    /** Where the line that starts at {@code from} ends: the index of its CR or LF, or the end of {@code text}. */
    private static int lineEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return text.length();
    }

    private static Invitation build(Map<InvitationField, String> known, List<Invitation.Field> unknown)
            throws MalformedInvitationException {
        String commandText = known.remove(InvitationField.INVITATION_COMMAND);
        if (commandText == null) {
            throw new MalformedInvitationException(Reason.MISSING_COMMAND, "Invitation has no Invitation-Command");
        }
        InvitationCommand command = InvitationCommand.fromWire(commandText).orElseThrow(
                () -> new MalformedInvitationException(Reason.UNKNOWN_COMMAND,
                        "Unknown Invitation-Command '" + abbreviate(commandText) + "'"));
        String cookieText = known.remove(InvitationField.INVITATION_COOKIE);
        if (cookieText == null) {
            throw new MalformedInvitationException(Reason.MISSING_COOKIE, "Invitation has no Invitation-Cookie");
        }
        long cookie = unsigned32(cookieText);
        if (cookie < 1) {
            throw new MalformedInvitationException(Reason.INVALID_COOKIE,
                    "Invitation-Cookie '" + abbreviate(cookieText) + "' is not a number in 1.." + Cookies.MAX);
        }
        Invitation.Builder builder = new Invitation.Builder(command, cookie);
        String encryptionKey = known.remove(InvitationField.ENCRYPTION_KEY);
        String hashKey = known.remove(InvitationField.HASH_KEY);
        if (encryptionKey != null || hashKey != null) {
            builder.keysFromCodec(keys(encryptionKey, hashKey));
        }
        try {
            for (Map.Entry<InvitationField, String> entry : known.entrySet()) {
                // a value the builder refuses (a blank Cancel-Code) is the peer's mistake, refused like the others
                builder.set(entry.getKey(), entry.getValue(), typed(entry.getKey(), entry.getValue()));
            }
            unknown.forEach(builder::unknown);
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new MalformedInvitationException(Reason.INVALID_NUMBER, e.getMessage());
        }
    }

    private static Object typed(InvitationField field, String value) throws MalformedInvitationException {
        return switch (field) {
            case PORT, PORT_X, PORT_X_INTERNAL -> {
                long port = unsigned32(value);
                if (port < 0 || port > 65535) {
                    throw invalidNumber(field, value);
                }
                yield (int) port;
            }
            case AUTH_COOKIE, APPLICATION_FILE_SIZE -> {
                long number = unsigned32(value);
                if (number < 0) {
                    throw invalidNumber(field, value);
                }
                yield number;
            }
            default -> null;
        };
    }

    private static TransferKeys keys(String encryptionKey, String hashKey) throws MalformedInvitationException {
        if (encryptionKey == null || hashKey == null) {
            throw new MalformedInvitationException(Reason.INVALID_KEY,
                    "Encryption-Key and Hash-Key must come together");
        }
        try {
            return TransferKeys.of(Base64.getDecoder().decode(encryptionKey), Base64.getDecoder().decode(hashKey));
        } catch (IllegalArgumentException e) {
            throw new MalformedInvitationException(Reason.INVALID_KEY,
                    "Encryption-Key and Hash-Key must be base64 of " + TransferKeys.KEY_LENGTH + " bytes");
        }
    }

    /** The value of a decimal with 1 to 10 digits that fits an unsigned 32-bit number, or -1. */
    private static long unsigned32(String text) {
        if (text.isEmpty() || text.length() > 10) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= Cookies.MAX ? value : -1;
    }

    private static MalformedInvitationException invalidNumber(InvitationField field, String value) {
        return new MalformedInvitationException(Reason.INVALID_NUMBER,
                field.wireName() + " '" + abbreviate(value) + "' is not a valid number");
    }

    /** A header name: printable ASCII without separators, as in RFC 822 field names. */
    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        String printable = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }

    /** Writes the body: known fields in the official order, then unknown fields in theirs; CRLF after each line. */
    public static String format(Invitation invitation) {
        StringBuilder body = new StringBuilder(256);
        for (Invitation.Field field : invitation.knownFields()) {
            appendLine(body, field);
        }
        for (Invitation.Field field : invitation.unknownFields()) {
            appendLine(body, field);
        }
        return body.toString();
    }

    /** {@link #format(Invitation)} as UTF-8 bytes. */
    public static byte[] formatBytes(Invitation invitation) {
        return format(invitation).getBytes(StandardCharsets.UTF_8);
    }

    private static void appendLine(StringBuilder body, Invitation.Field field) {
        body.append(field.name()).append(": ").append(field.value()).append("\r\n");
    }
}
