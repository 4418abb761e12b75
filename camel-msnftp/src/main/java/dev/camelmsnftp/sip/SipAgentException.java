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

    /** The status of the final response, when there was one. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
