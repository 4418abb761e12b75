package dev.camelmsnftp.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.camelmsnftp.invite.TransferKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPEC 4.3 transcript byte for byte, with a scripted peer on a raw socket in each role, plain and encrypted,
 * and the SPEC 4.2 test vectors.
 */
class MsnftpTranscriptTest {

    static final int SIZE = 5000;
    static final String USER = "amsn-user@example.com";
    static final byte[] FILE = new byte[SIZE];
    static final byte[] ENCRYPTION_KEY = new byte[24];
    static final byte[] HASH_KEY = new byte[24];

    static {
        new Random(4242).nextBytes(FILE);
        for (int i = 0; i < 24; i++) {
            ENCRYPTION_KEY[i] = (byte) (0x01 + i);
            HASH_KEY[i] = (byte) (0x65 + i);
        }
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** SPEC 4.3 as the blocks must appear on the wire: 00 fd 07, 00 fd 07, 00 8e 03, no end block. */
    static byte[] framed(byte[] bodies) {
        ByteBuffer wire = ByteBuffer.allocate(SIZE + 9);
        wire.put(new byte[] { 0x00, (byte) 0xfd, 0x07 }).put(bodies, 0, 2045);
        wire.put(new byte[] { 0x00, (byte) 0xfd, 0x07 }).put(bodies, 2045, 2045);
        wire.put(new byte[] { 0x00, (byte) 0x8e, 0x03 }).put(bodies, 4090, 910);
        return wire.array();
    }

    @Test
    void ourSenderWritesTheSpecTranscript() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(4242)
                    .source(Channels.newChannel(new java.io.ByteArrayInputStream(FILE)), SIZE).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            RawPeer receiver = new RawPeer(pair.peer());

            receiver.send("VER MSNFTP\r\n");
            assertThat(receiver.readLine()).isEqualTo("VER MSNFTP\r\n");
            receiver.send("USR amsn-user@example.com 4242\r\n");
            assertThat(receiver.readLine()).isEqualTo("FIL 5000\r\n");
            receiver.send("TFR\r\n");
            assertThat(receiver.read(SIZE + 9)).isEqualTo(framed(FILE));
            receiver.send("BYE 16777989\r\n");
            assertThat(receiver.closedWithoutMoreBytes()).as("no end block, nothing after BYE").isTrue();
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new MsnftpResult(SIZE, 16777989L, Dialect.MSNFTP));
        }
    }

    @Test
    void ourReceiverWritesTheSpecTranscript() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(4242)
                    .sink(Channels.newChannel(received), SIZE).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());

            assertThat(sender.readLine()).as("the receiver speaks first").isEqualTo("VER MSNFTP\r\n");
            sender.send("VER MSNFTP\r\n");
            assertThat(sender.readLine()).isEqualTo("USR amsn-user@example.com 4242\r\n");
            sender.send("FIL 5000\r\n");
            assertThat(sender.readLine()).isEqualTo("TFR\r\n");
            sender.send(framed(FILE));
            assertThat(sender.readLine()).isEqualTo("BYE 16777989\r\n");
            assertThat(sender.closedWithoutMoreBytes()).as("the receiver closes").isTrue();
            assertThat(result.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(SIZE);
        }
        assertThat(received.toByteArray()).isEqualTo(FILE);
    }

    @Test
    void ourEncryptedSenderWritesRc4BodiesAndTheMacLine() throws Exception {
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(4242)
                    .keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY))
                    .source(Channels.newChannel(new java.io.ByteArrayInputStream(FILE)), SIZE).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            RawPeer receiver = new RawPeer(pair.peer());

            receiver.send("VER MSN_SECURE_FTP\r\n");
            assertThat(receiver.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            receiver.send("USR AMSN-USER@example.com 4242\r\n");
            assertThat(receiver.readLine()).isEqualTo("FIL 5000\r\n");
            receiver.send("TFR\r\n");
            assertThat(receiver.read(SIZE + 9)).isEqualTo(framed(independentRc4(FILE)));
            receiver.send("BYE 16777989\r\n");
            assertThat(receiver.readToEnd()).isEqualTo(independentMacLine(FILE));
            assertThat(result.get(10, TimeUnit.SECONDS).dialect()).isEqualTo(Dialect.MSN_SECURE_FTP);
        }
    }

    @Test
    void ourEncryptedReceiverDecryptsAndAcceptsTheMac() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser("sip:" + USER).authCookie(4242)
                    .keys(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY)).sink(Channels.newChannel(received), SIZE).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());

            assertThat(sender.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            sender.send("VER MSN_SECURE_FTP\r\n");
            assertThat(sender.readLine()).as("USR without sip:").isEqualTo("USR amsn-user@example.com 4242\r\n");
            sender.send("FIL 5000\r\n");
            assertThat(sender.readLine()).isEqualTo("TFR\r\n");
            sender.send(framed(independentRc4(FILE)));
            assertThat(sender.readLine()).isEqualTo("BYE 16777989\r\n");
            sender.send(independentMacLine(FILE));
            assertThat(result.get(10, TimeUnit.SECONDS).encrypted()).isTrue();
        }
        assertThat(received.toByteArray()).isEqualTo(FILE);
    }

    @Test
    void specTestVectors() {
        assertThat(HexFormat.of().formatHex(SecureBodies.derive(ENCRYPTION_KEY))).isEqualTo("bdbf90555239a2653c640bc273ce466e");
        SecureBodies secure = SecureBodies.forSending(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY), false);
        ByteBuffer hello = ByteBuffer.wrap("hello world".getBytes(StandardCharsets.US_ASCII));
        secure.seal(hello);
        assertThat(HexFormat.of().formatHex(hello.array())).isEqualTo("af03c2511240aa7cde5974");
        ByteBuffer again = ByteBuffer.allocateDirect(5).put("again".getBytes(StandardCharsets.US_ASCII)).flip();
        secure.seal(again);
        byte[] againBytes = new byte[5];
        again.get(againBytes);
        assertThat(HexFormat.of().formatHex(againBytes)).as("same RC4 stream").isEqualTo("3ef1f9a59c");

        SecureBodies forMac = SecureBodies.forSending(TransferKeys.of(ENCRYPTION_KEY, HASH_KEY), false);
        forMac.seal(ByteBuffer.wrap("hello world".getBytes(StandardCharsets.US_ASCII)));
        byte[] mac = forMac.finishMac();
        assertThat(Base64.getEncoder().encodeToString(mac)).isEqualTo("vIKN6cZo0Xi/6x4awLzuybVepZE=");
        byte[] line = SecureBodies.macLine(mac);
        assertThat(line).isEqualTo(concat("MAC vIKN6cZo0Xi/6x4awLzuybVepZE=".getBytes(StandardCharsets.US_ASCII),
                new byte[] { 0x00, 0x0d, 0x0a }));
    }

    @Test
    void decryptionOnTheReceivingSideInvertsTheStream() {
        TransferKeys keys = TransferKeys.of(ENCRYPTION_KEY, HASH_KEY);
        byte[] data = FILE.clone();
        SecureBodies.forSending(keys, false).seal(ByteBuffer.wrap(data));
        assertThat(data).isEqualTo(independentRc4(FILE));
        SecureBodies receiving = SecureBodies.forReceiving(keys, false);
        receiving.open(ByteBuffer.wrap(data, 0, 1234));
        receiving.open(ByteBuffer.wrap(data, 1234, SIZE - 1234));
        assertThat(data).isEqualTo(FILE);
    }

    /** RC4 of the file written directly against the JDK, independently of SecureBodies. */
    static byte[] independentRc4(byte[] plain) {
        try {
            Cipher rc4 = Cipher.getInstance("ARCFOUR");
            rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(sha1(ENCRYPTION_KEY), 16), "ARCFOUR"));
            return rc4.doFinal(plain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] independentMacLine(byte[] plain) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(Arrays.copyOf(sha1(HASH_KEY), 16), "HmacSHA1"));
            String mac = Base64.getEncoder().encodeToString(hmac.doFinal(plain));
            return concat(("MAC " + mac).getBytes(StandardCharsets.US_ASCII), new byte[] { 0, '\r', '\n' });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha1(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-1").digest(bytes);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
