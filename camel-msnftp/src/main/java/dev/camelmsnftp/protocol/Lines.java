package dev.camelmsnftp.protocol;

import java.util.Locale;

import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;

/** Reading the words of MSNFTP command lines. */
final class Lines {

    private Lines() {
    }

    static String[] words(String line) {
        return line.trim().split("\\s+");
    }

    /** Whether the line's first word is {@code command} (case-insensitive). */
    static boolean is(String line, String command) {
        return words(line)[0].toUpperCase(Locale.ROOT).equals(command);
    }

    /** A decimal of at most 19 digits, or -1. */
    static long number(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    /** A peer's line made fit for a message: printable and short. */
    static String quote(String line) {
        StringBuilder text = new StringBuilder("'");
        line.codePoints().limit(60).forEach(c -> text.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.append(line.length() > 60 ? "...'" : "'").toString();
    }

    /**
     * The failure a line means when it comes instead of what was expected: {@code CCL} or a failure {@code BYE} is the
     * peer cancelling; anything else breaks the protocol.
     */
    static MsnftpException unexpected(String line, Phase phase, String expected) {
        if (is(line, "CCL")) {
            return new MsnftpException(Kind.CANCELLED_BY_PEER, phase, "The peer cancelled (CCL)");
        }
        String[] words = words(line);
        if (is(line, "BYE") && words.length == 2) {
            long code = ByeCodes.parse(words[1]);
            if (code >= 0 && !ByeCodes.isSuccess(code)) {
                return new MsnftpException(Kind.CANCELLED_BY_PEER, phase,
                        "The peer ended the transfer with BYE " + ByeCodes.describe(code), code, null);
            }
        }
        return new MsnftpException(Kind.PROTOCOL_ERROR, phase, "Expected " + expected + " but got " + quote(line));
    }
}
