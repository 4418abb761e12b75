package dev.camelmsnftp.invite;

/** A {@code text/x-msmsgsinvite} body that cannot be used; {@link #reason()} says why. */
public class MalformedInvitationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a body was refused. */
    public enum Reason {
        /** Not {@code Name: value} lines at all (binary, not UTF-8, lines without a colon). */
        NOT_NAME_VALUE_LINES,
        /** Larger than {@link InvitationCodec#MAX_BODY_BYTES}. */
        TOO_LARGE,
        /** No {@code Invitation-Command}. */
        MISSING_COMMAND,
        /** An {@code Invitation-Command} other than INVITE, ACCEPT, CANCEL. */
        UNKNOWN_COMMAND,
        /** No {@code Invitation-Cookie}. */
        MISSING_COOKIE,
        /** A cookie that is not a decimal in 1..4294967295. */
        INVALID_COOKIE,
        /** Another numeric field that is not a number of its range. */
        INVALID_NUMBER,
        /** A key that is not base64 of 24 bytes. */
        INVALID_KEY,
        /** A known field given twice with different values. */
        CONFLICTING_FIELD;

        /** Whether the body could not be read as an invitation at all (SIP answers 415 rather than 400). */
        public boolean unreadable() {
            return this == NOT_NAME_VALUE_LINES;
        }
    }

    private final Reason reason;

    public MalformedInvitationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
