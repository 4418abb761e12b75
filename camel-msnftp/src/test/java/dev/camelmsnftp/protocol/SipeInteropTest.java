package dev.camelmsnftp.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.testsupport.SipePeer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our encrypted sender and receiver against pidgin-sipe's own MSNFTP code, with random keys, AuthCookie and users:
 * files equal, MACs accepted on both sides. From {@link Pipeline#MIN_SIZE} on (the 3 MB case) ours run on two threads.
 */
class SipeInteropTest {

    static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void sipeIsInstalled() {
        SipePeer.assumeInstalled();
    }

    private static SipePeer.Settings settings(TransferKeys keys, long cookie) {
        Random random = new Random();
        return new SipePeer.Settings(keys.encryptionKey(), keys.hashKey(), cookie,
                "sipe" + random.nextInt(1000) + "@example.com", "sip:Our" + random.nextInt(1000) + "@example.com");
    }

    private Path randomFile(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve("in-" + size + ".bin"), bytes);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1, 2045, 2046, 300_000, 3_000_000 })
    void ourEncryptedSenderToSipesReceiver(int size) throws Exception {
        TransferKeys keys = TransferKeys.random();
        SipePeer.Settings settings = settings(keys, Cookies.next());
        Path source = randomFile(size);
        Path out = dir.resolve("sipe-received.bin");
        MsnftpResult result;
        long pipelines = Pipeline.started();
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
             FileChannel in = FileChannel.open(source);
             SipePeer sipe = SipePeer.receive(settings, ((InetSocketAddress) listener.getLocalAddress()).getPort(), size,
                     out, dir)) {
            SocketChannel connection = listener.accept();
            result = MsnftpSender.builder().peerUser(settings.sipeUser()).authCookie(settings.authCookie()).keys(keys)
                    .source(in, size).timeout(LIMIT).build().run(connection);
            assertThat(sipe.awaitExit(LIMIT)).as("sipe's MAC check: %s", sipe.output()).isZero();
        }
        assertThat(Pipeline.started() - pipelines).as("on two threads").isEqualTo(size >= Pipeline.MIN_SIZE ? 1 : 0);
        assertThat(result.byeCode()).isEqualTo(ByeCodes.SUCCESS);
        assertThat(result.encrypted()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(source));
    }

    /** The control: sipe really checks the MAC, so the test above cannot pass by accident. */
    @org.junit.jupiter.api.Test
    void sipeRefusesOurFileWhenItsHashKeyDiffers() throws Exception {
        TransferKeys ours = TransferKeys.random();
        SipePeer.Settings settings = settings(ours, Cookies.next());
        SipePeer.Settings otherHashKey = new SipePeer.Settings(settings.encryptionKey(), TransferKeys.random().hashKey(),
                settings.authCookie(), settings.sipeUser(), settings.peerUri());
        int size = 5000;
        Path source = randomFile(size);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
             FileChannel in = FileChannel.open(source);
             SipePeer sipe = SipePeer.receive(otherHashKey, ((InetSocketAddress) listener.getLocalAddress()).getPort(),
                     size, dir.resolve("x.bin"), dir)) {
            MsnftpSender.builder().peerUser(settings.sipeUser()).authCookie(settings.authCookie()).keys(ours)
                    .source(in, size).timeout(LIMIT).build().run(listener.accept());
            assertThat(sipe.awaitExit(LIMIT)).as("sipe's verdict: %s", sipe.output()).isNotZero();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1, 2045, 2046, 300_000, 3_000_000 })
    void sipesSenderToOurEncryptedReceiver(int size) throws Exception {
        TransferKeys keys = TransferKeys.random();
        SipePeer.Settings settings = settings(keys, Cookies.next() % 100_000);
        Path source = randomFile(size);
        Path target = dir.resolve("we-received.bin");
        int port = SipePeer.freePort();
        MsnftpResult result;
        long pipelines = Pipeline.started();
        try (SipePeer sipe = SipePeer.send(settings, port, source, dir);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            sipe.awaitListening(LIMIT);
            SocketChannel connection = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            result = MsnftpReceiver.builder().localUser(settings.peerUri()).authCookie(settings.authCookie()).keys(keys)
                    .sink(out, size).timeout(LIMIT).build().run(connection);
            assertThat(sipe.awaitExit(LIMIT)).as("sipe's sender saw BYE: %s", sipe.output()).isZero();
        }
        assertThat(Pipeline.started() - pipelines).as("on two threads").isEqualTo(size >= Pipeline.MIN_SIZE ? 1 : 0);
        assertThat(result.encrypted()).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
    }
}
