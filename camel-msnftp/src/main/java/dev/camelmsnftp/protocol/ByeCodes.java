package dev.camelmsnftp.protocol;

/**
 * The codes of an MSNFTP {@code BYE} line (SPEC section 4): unsigned 32-bit values, held in a {@code long}.
 */
public final class ByeCodes {

    /** Success: what every receiver sends when it has the whole file. */
    public static final long SUCCESS = 16777989L;
    /** Success ("file sent"), rarely seen. */
    public static final long SUCCESS_FILE_SENT = 16777987L;
    /** Failure: the receiver is out of disk space (or could not write the file). */
    public static final long OUT_OF_DISK = 2147942405L;
    /** Failure: the receiver cancelled (same as {@code CCL}). */
    public static final long RECEIVER_CANCELLED = 2164261682L;
    /** Failure: the sender cancelled. */
    public static final long SENDER_CANCELLED = 2164261683L;
    /** Failure: connection blocked or timed out. */
    public static final long BLOCKED = 2164261694L;
    /**
     * Failure: the receiver has the file but could not deliver it (its route failed). Ours, sent only to a sender that
     * waits for the outcome (SPEC 5, acknowledge=afterRoute); HRESULT E_FAIL (0x80004005), a failure to any client.
     */
    public static final long NOT_DELIVERED = 2147500037L;

    private ByeCodes() {
    }

    /** Whether {@code code} says the transfer succeeded. */
    public static boolean isSuccess(long code) {
        return code == SUCCESS || code == SUCCESS_FILE_SENT;
    }

    /** What a code means, for messages and logs. */
    public static String describe(long code) {
        if (code == SUCCESS || code == SUCCESS_FILE_SENT) {
            return code + " (success)";
        } else if (code == OUT_OF_DISK) {
            return code + " (receiver is out of disk space)";
        } else if (code == RECEIVER_CANCELLED) {
            return code + " (receiver cancelled)";
        } else if (code == SENDER_CANCELLED) {
            return code + " (sender cancelled)";
        } else if (code == BLOCKED) {
            return code + " (connection blocked or timed out)";
        } else if (code == NOT_DELIVERED) {
            return code + " (the receiver has the file but could not deliver it)";
        }
        return code + " (unknown failure)";
    }

    /** Parses the code of a {@code BYE} line: a decimal that fits an unsigned 32-bit value, or -1. */
    static long parse(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long value = Long.parseLong(text);
        return value <= 0xFFFF_FFFFL ? value : -1;
    }
}
