package dev.camelmsnftp.transfer;

/**
 * A file transfer that did not complete. The subclass says what happened; the message says it in words, with the
 * peer, the Invitation-Cookie and the phase.
 */
public class TransferException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Where the transfer was when it failed. */
    public enum Phase {
        /** Sending the INVITE or an answer over SIP. */
        SIGNALLING,
        /** Waiting for the peer's ACCEPT or CANCEL. */
        ANSWER,
        /** Waiting for, or making, the TCP connection. */
        CONNECTION,
        /** The MSNFTP session. */
        TRANSFER
    }

    private final long cookie;
    private final String peer;
    private final Phase phase;

    public TransferException(String message, long cookie, String peer, Phase phase, Throwable cause) {
        super(message + " [cookie " + cookie + ", peer " + peer + ", " + phase + "]", cause);
        this.cookie = cookie;
        this.peer = peer;
        this.phase = phase;
    }

    /** The Invitation-Cookie of the transfer. */
    public long cookie() {
        return cookie;
    }

    /** The peer's SIP address. */
    public String peer() {
        return peer;
    }

    public Phase phase() {
        return phase;
    }
}
