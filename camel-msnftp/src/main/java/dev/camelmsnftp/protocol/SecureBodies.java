package dev.camelmsnftp.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.camelmsnftp.invite.TransferKeys;

/**
 * The crypto of {@code MSN_SECURE_FTP} (SPEC 4.2): one RC4 stream over every block body of the file, keyed with the
 * first 16 bytes of SHA-1(Encryption-Key), and an HMAC-SHA1 over the plain bytes, keyed with the first 16 bytes of
 * SHA-1(Hash-Key). JDK crypto only. One instance per transfer and direction; not thread-safe.
 */
final class SecureBodies {

    private static final int DERIVED_KEY_LENGTH = 16;

    private final Cipher rc4;
    private final Mac hmac;
    private final byte[] scratch;

    private SecureBodies(TransferKeys keys, int mode, int scratchSize) {
        try {
            rc4 = Cipher.getInstance("ARCFOUR");
            rc4.init(mode, new SecretKeySpec(derive(keys.encryptionKey()), "ARCFOUR"));
            hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(derive(keys.hashKey()), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK lacks ARCFOUR or HmacSHA1, needed for MSN_SECURE_FTP", e);
        }
        scratch = new byte[scratchSize];
    }

    /** For the sender: MAC the plain bytes, then encrypt them. */
    static SecureBodies forSending(TransferKeys keys, int scratchSize) {
        return new SecureBodies(keys, Cipher.ENCRYPT_MODE, scratchSize);
    }

    /** For the receiver: decrypt the bytes, then MAC the plain result. */
    static SecureBodies forReceiving(TransferKeys keys, int scratchSize) {
        return new SecureBodies(keys, Cipher.DECRYPT_MODE, scratchSize);
    }

    /** The first 16 bytes of SHA-1 of a 24-byte key: the actual RC4 or HMAC key. */
    static byte[] derive(byte[] key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-1").digest(key), DERIVED_KEY_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK lacks SHA-1", e);
        }
    }

    /** Encrypts the remaining bytes of {@code region} in place after adding the plain bytes to the MAC. */
    void seal(ByteBuffer region) {
        transform(region, true);
    }

    /** Decrypts the remaining bytes of {@code region} in place and adds the plain bytes to the MAC. */
    void open(ByteBuffer region) {
        transform(region, false);
    }

    private void transform(ByteBuffer region, boolean macBefore) {
        ByteBuffer view = region.duplicate();
        while (view.hasRemaining()) {
            int length = Math.min(view.remaining(), scratch.length);
            int start = view.position();
            view.get(scratch, 0, length);
            if (macBefore) {
                hmac.update(scratch, 0, length);
            }
            try {
                rc4.update(scratch, 0, length, scratch, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RC4 failed", e);
            }
            if (!macBefore) {
                hmac.update(scratch, 0, length);
            }
            view.put(start, scratch, 0, length);
        }
    }

    /** The HMAC of every plain byte so far; ends the MAC. */
    byte[] finishMac() {
        return hmac.doFinal();
    }

    /** The sender's MAC line: {@code MAC <base64>}, a NUL byte, CRLF. */
    static byte[] macLine(byte[] mac) {
        return ("MAC " + Base64.getEncoder().encodeToString(mac) + "\0\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
