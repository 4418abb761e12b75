package dev.camelmsnftp.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.testsupport.Sha256;
import dev.camelmsnftp.testsupport.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Our sender against our receiver over real loopback sockets: every size edge, both dialects, both directions. */
class MsnftpSessionTest {

    static final String RECEIVER = "bob@corp.example";
    static final long AUTH_COOKIE = 544120;

    @TempDir
    Path dir;
    private ExecutorService executor;
    private Set<Thread> baseline;

    @BeforeEach
    void start() {
        baseline = Threads.snapshot();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(5));
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int size : new int[] { 0, 1, 2044, 2045, 2046, 4090, 4091, 10 * 1024 * 1024 }) {
            for (Dialect dialect : Dialect.values()) {
                for (boolean senderConnects : new boolean[] { true, false }) {
                    cases.add(Arguments.of(size, dialect, senderConnects));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bytes, {1}, sender connects: {2}")
    @MethodSource("cases")
    void fileArrivesIntact(int size, Dialect dialect, boolean senderConnects) throws Exception {
        Path source = randomFile(size, size);
        Path target = dir.resolve("received.bin");
        TransferKeys keys = dialect.encrypted() ? TransferKeys.random() : null;
        AtomicLong lastProgress = new AtomicLong(-1);

        try (Loopback.ChannelPair pair = Loopback.channels(senderConnects);
             FileChannel in = FileChannel.open(source);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser("sip:" + RECEIVER.toUpperCase()).authCookie(AUTH_COOKIE)
                    .keys(keys).source(in, size).build();
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(RECEIVER).authCookie(AUTH_COOKIE).keys(keys)
                    .sink(out, size).progress((done, total) -> lastProgress.set(done)).build();

            Future<MsnftpResult> sent = executor.submit(() -> sender.run(pair.first()));
            MsnftpResult received = receiver.run(pair.second());

            MsnftpResult senderResult = sent.get(30, TimeUnit.SECONDS);
            assertThat(senderResult.byeCode()).isEqualTo(ByeCodes.SUCCESS);
            assertThat(senderResult.bytes()).isEqualTo(size);
            assertThat(senderResult.dialect()).isEqualTo(dialect);
            assertThat(received.bytes()).isEqualTo(size);
            assertThat(received.encrypted()).isEqualTo(dialect.encrypted());
            assertThat(pair.first().isOpen()).as("sender's socket closed").isFalse();
            assertThat(pair.second().isOpen()).as("receiver's socket closed").isFalse();
        }
        assertThat(Sha256.of(target)).isEqualTo(Sha256.of(source));
        assertThat(lastProgress.get()).isEqualTo(size == 0 ? -1 : size);
    }

    @Test
    void streamsFromAnInputStreamIntoANonGatheringSink() throws Exception {
        int size = 300_001;
        Path source = randomFile(size, 7);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Loopback.ChannelPair pair = Loopback.channels(false);
             InputStream stream = Files.newInputStream(source);
             ReadableByteChannel in = Channels.newChannel(stream);
             WritableByteChannel out = Channels.newChannel(received)) {
            TransferKeys keys = TransferKeys.random();
            MsnftpSender sender = MsnftpSender.builder().peerUser(RECEIVER).authCookie(1).keys(keys).source(in, size).build();
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(RECEIVER).authCookie(1).keys(keys).sink(out, size)
                    .build();
            Future<MsnftpResult> sent = executor.submit(() -> sender.run(pair.first()));
            receiver.run(pair.second());
            assertThat(sent.get(30, TimeUnit.SECONDS).byeCode()).isEqualTo(ByeCodes.SUCCESS);
        }
        assertThat(Sha256.of(received.toByteArray())).isEqualTo(Sha256.of(Files.readAllBytes(source)));
    }

    private Path randomFile(int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve("source-" + size + ".bin");
        Files.write(file, bytes);
        return file;
    }
}
