package dev.camelmsnftp.protocol;

import java.util.OptionalLong;

/**
 * An MSNFTP session that did not complete. {@link #kind()} says what happened, {@link #phase()} when, and
 * {@link #byeCode()} carries the peer's failure code where there was one. Messages never contain keys or cookies.
 * <p>
 * Deliberately not an {@link java.io.IOException}: a session failure (the peer cancelled, its BYE said out of disk,
 * it broke the protocol) must never be caught by code that handles a local I/O error such as a port that cannot be
 * bound, and reported as that.
 */
public class MsnftpException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No dialect in common ({@code VER}). */
        VERSION_MISMATCH,
        /** The receiver's {@code USR} user or AuthCookie did not match: not one byte of the file was sent. */
        AUTHENTICATION_FAILED,
        /** The peer cancelled: {@code CCL}, a flag-1 block, or a failure {@code BYE} (see {@link #byeCode()}). */
        CANCELLED_BY_PEER,
        /** The encrypted variant's MAC was missing or wrong: the bytes cannot be trusted. */
        MAC_MISMATCH,
        /** The peer broke the protocol (over-long line, bad block header, more bytes than announced, ...). */
        PROTOCOL_ERROR,
        /** The peer was silent for longer than the time-out. */
        TIMEOUT,
        /** The connection ended (EOF or reset) before the transfer was complete. */
        CONNECTION_LOST,
        /** Reading the file to send or writing the received one failed. */
        LOCAL_IO,
        /** Cancelled on our side. */
        CANCELLED
    }

    /** Where in the conversation it happened. */
    public enum Phase {
        /** VER, USR, FIL, TFR. */
        HANDSHAKE,
        /** The data blocks. */
        DATA,
        /** Waiting for, or sending, BYE. */
        BYE,
        /** The MAC line of the encrypted variant. */
        MAC,
        /**
         * The receiver delivering the file while the sender waits for the outcome (SPEC 5, acknowledge=afterRoute): the
         * held BYE of the plain dialect, the ACK line after the MAC of the encrypted one.
         */
        OUTCOME
    }

    private final Kind kind;
    private final Phase phase;
    private final long byeCode;

    public MsnftpException(Kind kind, Phase phase, String message) {
        this(kind, phase, message, -1, null);
    }

    public MsnftpException(Kind kind, Phase phase, String message, Throwable cause) {
        this(kind, phase, message, -1, cause);
    }

    public MsnftpException(Kind kind, Phase phase, String message, long byeCode, Throwable cause) {
        super(message + " [" + kind + " during " + phase + "]", cause);
        this.kind = kind;
        this.phase = phase;
        this.byeCode = byeCode;
    }

    public Kind kind() {
        return kind;
    }

    public Phase phase() {
        return phase;
    }

    /** The failure code of the peer's {@code BYE} line, when that is how it ended. */
    public OptionalLong byeCode() {
        return byeCode < 0 ? OptionalLong.empty() : OptionalLong.of(byeCode);
    }
}
