package dev.camelmsnftp.invite;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The two keys of the encrypted variant ({@code Encryption-Key}, {@code Hash-Key}): 24 bytes each, base64 on the
 * wire, chosen by the receiver. Never printed.
 */
public final class TransferKeys {

    /** The length of each key in bytes. */
    public static final int KEY_LENGTH = 24;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] encryptionKey;
    private final byte[] hashKey;

    private TransferKeys(byte[] encryptionKey, byte[] hashKey) {
        this.encryptionKey = encryptionKey;
        this.hashKey = hashKey;
    }

    /** Keys from their bytes (copied). */
    public static TransferKeys of(byte[] encryptionKey, byte[] hashKey) {
        return new TransferKeys(checked(encryptionKey, "Encryption-Key"), checked(hashKey, "Hash-Key"));
    }

    /** Two fresh keys from a secure random source. */
    public static TransferKeys random() {
        byte[] encryption = new byte[KEY_LENGTH];
        byte[] hash = new byte[KEY_LENGTH];
        RANDOM.nextBytes(encryption);
        RANDOM.nextBytes(hash);
        return new TransferKeys(encryption, hash);
    }

    /** A copy of the Encryption-Key bytes. */
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** A copy of the Hash-Key bytes. */
    public byte[] hashKey() {
        return hashKey.clone();
    }

    String encryptionKeyBase64() {
        return Base64.getEncoder().encodeToString(encryptionKey);
    }

    String hashKeyBase64() {
        return Base64.getEncoder().encodeToString(hashKey);
    }

    private static byte[] checked(byte[] key, String name) {
        Objects.requireNonNull(key, name);
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + KEY_LENGTH + " bytes, not " + key.length);
        }
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransferKeys keys && Arrays.equals(keys.encryptionKey, encryptionKey)
               && Arrays.equals(keys.hashKey, hashKey);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(encryptionKey) + Arrays.hashCode(hashKey);
    }

    @Override
    public String toString() {
        return "TransferKeys[redacted]";
    }
}
