package dev.camelmsnftp.transfer;

import java.util.Locale;

/** Which MSNFTP dialect a transfer may use (option {@code encryption}, SPEC 3.2). */
public enum EncryptionPolicy {
    /** The encrypted variant when the peer asks for it or offers it, plain otherwise. */
    AUTO,
    /** Refuse plain transfers. */
    REQUIRED,
    /** Refuse encrypted transfers. */
    DISABLED;

    public static EncryptionPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown encryption '" + text + "': use auto, required or disabled", e);
        }
    }
}
