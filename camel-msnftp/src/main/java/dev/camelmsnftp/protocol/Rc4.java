package dev.camelmsnftp.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * RC4 (the cipher of {@code MSN_SECURE_FTP}, SPEC 4.2) in plain Java. The JDK's {@code ARCFOUR} gives the same bytes
 * (the tests use it as the oracle) but ran at about 0.8 times this speed on the benchmark machine, and RC4 is most of
 * the encrypted path's CPU: this loop keeps its state in an {@code int[]} and XORs eight keystream bytes into the data
 * at once. Encryption and decryption are the same operation. One instance per direction of a transfer; not
 * thread-safe.
 */
final class Rc4 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int[] state = new int[256];
    private int i;
    private int j;

    /** The key-scheduling algorithm; {@code key} is 1 to 256 bytes. */
    Rc4(byte[] key) {
        if (key.length == 0 || key.length > 256) {
            throw new IllegalArgumentException("RC4 keys are 1 to 256 bytes");
        }
        int[] s = state;
        for (int k = 0; k < 256; k++) {
            s[k] = k;
        }
        for (int k = 0, jj = 0; k < 256; k++) {
            jj = (jj + s[k] + key[k % key.length]) & 0xff;
            int t = s[k];
            s[k] = s[jj];
            s[jj] = t;
        }
    }

    /** XORs the next {@code length} keystream bytes into {@code bytes[offset ...]}, in place. */
    void apply(byte[] bytes, int offset, int length) {
        int[] s = state;
        int x = i;
        int y = j;
        int n = offset;
        int end = offset + length;
        for (; n + 8 <= end; n += 8) {
            long key = 0;
            for (int shift = 0; shift < 64; shift += 8) {
                x = (x + 1) & 0xff;
                int sx = s[x];
                y = (y + sx) & 0xff;
                int sy = s[y];
                s[x] = sy;
                s[y] = sx;
                key |= (long) s[(sx + sy) & 0xff] << shift;
            }
            LONGS.set(bytes, n, (long) LONGS.get(bytes, n) ^ key);
        }
        for (; n < end; n++) {
            x = (x + 1) & 0xff;
            int sx = s[x];
            y = (y + sx) & 0xff;
            int sy = s[y];
            s[x] = sy;
            s[y] = sx;
            bytes[n] ^= (byte) s[(sx + sy) & 0xff];
        }
        i = x;
        j = y;
    }
}
