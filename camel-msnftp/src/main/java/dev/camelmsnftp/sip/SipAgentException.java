package dev.camelmsnftp.sip;

import java.util.OptionalInt;

/** A SIP request that did not succeed. {@link #kind()} says how; {@link #status()} carries the final response. */
public class SipAgentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** How a request failed. */
    public enum Kind {
        /** A final 3xx-6xx response (see {@link #status()}). */
        REJECTED,
        /** Credentials were missing or refused (401/407 after the one retry with digest credentials). */
        AUTHENTICATION_FAILED,
        /** No final response within the time-out. */
        TIMEOUT,
        /** The request could not be sent (no route, connection refused, ...). */
        TRANSPORT,
        /** The agent stopped before an answer came. */
        STOPPED
    }

    private final Kind kind;
    private final int status;

    public SipAgentException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public SipAgentException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The host name that could not be resolved, when that is why the request failed. */
    public java.util.Optional<String> unknownHost() {
        for (Throwable cause = this; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.UnknownHostException unknown) {
                String message = String.valueOf(unknown.getMessage());
                int colon = message.indexOf(':');
                return java.util.Optional.of(colon > 0 ? message.substring(0, colon) : message);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether nothing accepted the TCP or TLS connection the request needed. */
    public boolean connectionRefused() {
        for (Throwable cause = this; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException
                || cause instanceof java.io.IOException && String.valueOf(cause.getMessage()).startsWith("Could not connect")) {
                return true;
            }
        }
        return false;
    }

    /** The status of the final response, when there was one. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
