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
 * SHA-1(Hash-Key). RC4 is our own {@link Rc4} (the JDK's {@code ARCFOUR} on request, for comparison), HMAC the JDK's.
 * One instance per transfer and direction. The cipher and the MAC are independent: one thread may run
 * {@link #crypt} while another runs {@link #mac} (a pipelined transfer), but neither operation is thread-safe by
 * itself.
 */
final class SecureBodies {

    private static final int DERIVED_KEY_LENGTH = 16;
    /** Bytes transformed at a time: small enough to stay in the first-level cache between MAC and cipher. */
    private static final int PIECE = 8192;

    private final Rc4 rc4;
    private final Cipher jdkRc4;
    private final Mac hmac;
    private final byte[] scratch = new byte[PIECE];

    private SecureBodies(TransferKeys keys, boolean jdk) {
        try {
            byte[] encryptionKey = derive(keys.encryptionKey());
            if (jdk) {
                rc4 = null;
                jdkRc4 = Cipher.getInstance("ARCFOUR");
                jdkRc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encryptionKey, "ARCFOUR"));
            } else {
                rc4 = new Rc4(encryptionKey);
                jdkRc4 = null;
            }
            hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(derive(keys.hashKey()), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK lacks ARCFOUR or HmacSHA1, needed for MSN_SECURE_FTP", e);
        }
    }

    /** For the sender: MAC the plain bytes, then encrypt them. */
    static SecureBodies forSending(TransferKeys keys, boolean jdkRc4) {
        return new SecureBodies(keys, jdkRc4);
    }

    /** For the receiver: decrypt the bytes, then MAC the plain result. */
    static SecureBodies forReceiving(TransferKeys keys, boolean jdkRc4) {
        return new SecureBodies(keys, jdkRc4);
    }

    /** The first 16 bytes of SHA-1 of a 24-byte key: the actual RC4 or HMAC key. */
    static byte[] derive(byte[] key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-1").digest(key), DERIVED_KEY_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK lacks SHA-1", e);
        }
    }

    /** One thread: adds the remaining plain bytes of {@code region} to the MAC and encrypts them in place. */
    void seal(ByteBuffer region) {
        transform(region, true);
    }

    /** One thread: decrypts the remaining bytes of {@code region} in place and adds the plain bytes to the MAC. */
    void open(ByteBuffer region) {
        transform(region, false);
    }

    /** Adds the remaining bytes of {@code plain} to the MAC; its position is left as it was. */
    void mac(ByteBuffer plain) {
        hmac.update(plain.duplicate());
    }

    /** Encrypts or decrypts (the same for RC4) the remaining bytes of {@code region} in place; position unchanged. */
    void crypt(ByteBuffer region) {
        ByteBuffer view = region.duplicate();
        while (view.hasRemaining()) {
            int length = Math.min(view.remaining(), PIECE);
            int start = view.position();
            view.get(scratch, 0, length);
            cipher(length);
            view.put(start, scratch, 0, length);
        }
    }

    /**
     * Encrypts or decrypts the remaining bytes of {@code from} into {@code to} at its position, advancing both
     * positions; {@code to} must have room.
     */
    void crypt(ByteBuffer from, ByteBuffer to) {
        while (from.hasRemaining()) {
            int length = Math.min(from.remaining(), PIECE);
            from.get(scratch, 0, length);
            cipher(length);
            to.put(scratch, 0, length);
        }
    }

    private void transform(ByteBuffer region, boolean macBefore) {
        ByteBuffer view = region.duplicate();
        while (view.hasRemaining()) {
            int length = Math.min(view.remaining(), PIECE);
            int start = view.position();
            view.get(scratch, 0, length);
            if (macBefore) {
                hmac.update(scratch, 0, length);
            }
            cipher(length);
            if (!macBefore) {
                hmac.update(scratch, 0, length);
            }
            view.put(start, scratch, 0, length);
        }
    }

    private void cipher(int length) {
        if (rc4 != null) {
            rc4.apply(scratch, 0, length);
            return;
        }
        try {
            jdkRc4.update(scratch, 0, length, scratch, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RC4 failed", e);
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
