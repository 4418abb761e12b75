package dev.camelmsnftp.protocol;

import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our RC4 against the JDK's ARCFOUR as the oracle: random keys of every length, random data cut at random places. */
class Rc4Test {

    @Test
    void sameKeystreamAsTheJdkForRandomKeysLengthsAndSplits() throws Exception {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int round = 0; round < 300; round++) {
            // every key length the JDK takes (5 to 128 bytes; ours is 16), then random ones
            byte[] key = new byte[round < 124 ? round + 5 : 5 + random.nextInt(124)];
            random.nextBytes(key);
            byte[] data = new byte[random.nextInt(round % 10 == 0 ? 70_000 : 3000)];
            random.nextBytes(data);

            Cipher jdk = Cipher.getInstance("ARCFOUR");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
            byte[] expected = jdk.doFinal(data);

            // in place, in pieces of random length at random (unaligned) offsets, as the transfer calls it
            byte[] ours = data.clone();
            Rc4 rc4 = new Rc4(key);
            for (int at = 0; at < ours.length; ) {
                int length = Math.min(ours.length - at, random.nextInt(20) == 0 ? 0 : random.nextInt(2100));
                rc4.apply(ours, at, length);
                at += length;
            }
            assertThat(ours).as("key of %d bytes, %d bytes of data", key.length, data.length).isEqualTo(expected);

            Rc4 inverse = new Rc4(key);
            inverse.apply(ours, 0, ours.length);
            assertThat(ours).as("applying it again decrypts").isEqualTo(data);
        }
    }

    @Test
    void onlyTheBytesAskedForChange() {
        byte[] bytes = new byte[40];
        new Rc4(new byte[] { 1, 2, 3 }).apply(bytes, 7, 17);
        for (int i = 0; i < bytes.length; i++) {
            if (i < 7 || i >= 24) {
                assertThat(bytes[i]).as("byte %d", i).isZero();
            }
        }
    }

    @Test
    void keysOutsideOneTo256BytesAreRefused() {
        assertThatThrownBy(() -> new Rc4(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rc4(new byte[257])).isInstanceOf(IllegalArgumentException.class);
    }
}
