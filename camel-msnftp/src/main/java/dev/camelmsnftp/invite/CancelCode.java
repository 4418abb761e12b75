package dev.camelmsnftp.invite;

import java.util.Locale;
import java.util.Objects;

/**
 * A {@code Cancel-Code}: free text on the wire, with the values real clients use as constants. Compared
 * case-insensitively.
 */
public final class CancelCode {

    /** Declined by the user or by policy. */
    public static final CancelCode REJECT = new CancelCode("REJECT");
    /** The receiver does not know the Application-GUID. */
    public static final CancelCode REJECT_NOT_INSTALLED = new CancelCode("REJECT_NOT_INSTALLED");
    /** The invitation was not answered in time. */
    public static final CancelCode TIMEOUT = new CancelCode("TIMEOUT");
    /** No connection came, or the transfer failed after it started. */
    public static final CancelCode FTTIMEOUT = new CancelCode("FTTIMEOUT");
    /** Cancelled out of band. */
    public static final CancelCode OUTBANDCANCEL = new CancelCode("OUTBANDCANCEL");
    /** Generic failure before the transfer started. */
    public static final CancelCode FAIL = new CancelCode("FAIL");

    private final String value;

    private CancelCode(String value) {
        this.value = value;
    }

    /** The code for a wire value (trimmed, never blank). */
    public static CancelCode of(String value) {
        String text = Objects.requireNonNull(value, "value").trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Cancel-Code must not be blank");
        }
        return new CancelCode(text);
    }

    /** The text as written on the wire. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CancelCode code && code.value.equalsIgnoreCase(value);
    }

    @Override
    public int hashCode() {
        return value.toUpperCase(Locale.ROOT).hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
