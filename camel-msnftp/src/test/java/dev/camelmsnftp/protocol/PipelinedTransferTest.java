package dev.camelmsnftp.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.MsnftpException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The encrypted path on two threads (MAC on one, RC4 on the other) against the single-threaded one: the sender puts the
 * same bytes on the wire, the receiver writes the same file and checks the same MAC, failures end the same way, and
 * the worker thread is given back on every path, within a JVM-wide bound.
 */
class PipelinedTransferTest {

    private static final String USER = "bob@example.com";
    private static final long AUTH_COOKIE = 777;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Pipeline.busyThreads()).as("no crypto thread still works for a finished transfer").isZero();
    }

    private static byte[] file(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static int wireSize(int size) {
        return size + Frames.HEADER * ((size + Frames.BLOCK_BODY - 1) / Frames.BLOCK_BODY);
    }

    /** Everything the sender writes after TFR (blocks, then the MAC line after our BYE), as a raw receiver sees it. */
    private byte[] senderWire(byte[] file, TransferKeys keys, boolean pipelining, boolean jdkRc4) throws Exception {
        long before = Pipeline.started();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(AUTH_COOKIE).keys(keys)
                    .source(Channels.newChannel(new java.io.ByteArrayInputStream(file)), file.length)
                    .pipelining(pipelining).jdkRc4(jdkRc4).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            RawPeer receiver = new RawPeer(pair.peer());
            receiver.send("VER MSN_SECURE_FTP\r\n");
            assertThat(receiver.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            receiver.send("USR " + USER + " " + AUTH_COOKIE + "\r\n");
            assertThat(receiver.readLine()).isEqualTo("FIL " + file.length + "\r\n");
            receiver.send("TFR\r\n");
            wire.write(receiver.read(wireSize(file.length)));
            receiver.send("BYE 16777989\r\n");
            wire.write(receiver.readToEnd());
            assertThat(result.get(30, TimeUnit.SECONDS).byeCode()).isEqualTo(ByeCodes.SUCCESS);
        }
        assertThat(Pipeline.started() - before).as("pipelines started").isEqualTo(pipelining ? 1 : 0);
        return wire.toByteArray();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1 << 20, 3_000_001 })
    void thePipelinedSenderPutsTheSameBytesOnTheWire(int size) throws Exception {
        byte[] file = file(size);
        TransferKeys keys = TransferKeys.random();
        byte[] single = senderWire(file, keys, false, false);
        byte[] before = senderWire(file, keys, false, true);
        byte[] pipelined = senderWire(file, keys, true, false);

        assertThat(single).as("our RC4 on one thread against the JDK's ARCFOUR on one thread").isEqualTo(before);
        assertThat(pipelined).as("two threads against one").isEqualTo(single);
        assertThat(new String(pipelined, wireSize(size), pipelined.length - wireSize(size),
                java.nio.charset.StandardCharsets.US_ASCII)).startsWith("MAC ");
    }

    /** Plays the sender with exact bytes; returns the receiver's result or failure, and what it wrote to the sink. */
    private record Received(MsnftpResult result, MsnftpException failure, byte[] file, String bye) {
    }

    private Received receive(int size, byte[] wire, TransferKeys keys, boolean pipelining, WritableByteChannel sink,
                             ByteArrayOutputStream written) throws Exception {
        long before = Pipeline.started();
        try (Loopback.RawPair pair = Loopback.raw(true)) {
            MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(AUTH_COOKIE).keys(keys)
                    .sink(sink, size).pipelining(pipelining).build();
            Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));
            RawPeer sender = new RawPeer(pair.peer());
            assertThat(sender.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
            sender.send("VER MSN_SECURE_FTP\r\n");
            assertThat(sender.readLine()).isEqualTo("USR " + USER + " " + AUTH_COOKIE + "\r\n");
            sender.send("FIL " + size + "\r\n");
            assertThat(sender.readLine()).isEqualTo("TFR\r\n");
            Future<?> sending = executor.submit(() -> sender.send(Arrays.copyOf(wire, wireSize(size))));
            String bye = sender.readLine();
            try {
                sending.get(30, TimeUnit.SECONDS);
                sender.send(Arrays.copyOfRange(wire, wireSize(size), wire.length));
            } catch (java.util.concurrent.ExecutionException | IOException stoppedReading) {
                // the receiver gave up before taking everything
            }
            MsnftpResult outcome = null;
            MsnftpException failure = null;
            try {
                outcome = result.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failure = (MsnftpException) e.getCause();
            }
            assertThat(Pipeline.started() - before).as("pipelines started").isEqualTo(pipelining ? 1 : 0);
            return new Received(outcome, failure, written.toByteArray(), bye.trim());
        }
    }

    private Received receive(int size, byte[] wire, TransferKeys keys, boolean pipelining) throws Exception {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        return receive(size, wire, keys, pipelining, Channels.newChannel(written), written);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1 << 20, 3_000_001 })
    void thePipelinedReceiverWritesTheSameFileAndChecksTheMac(int size) throws Exception {
        byte[] file = file(size);
        TransferKeys keys = TransferKeys.random();
        byte[] wire = senderWire(file, keys, false, true);

        for (boolean pipelining : new boolean[] { false, true }) {
            Received received = receive(size, wire, keys, pipelining);
            assertThat(received.failure()).as("pipelining %s", pipelining).isNull();
            assertThat(received.bye()).isEqualTo("BYE 16777989");
            assertThat(received.file()).as("pipelining %s", pipelining).isEqualTo(file);
        }

        byte[] altered = wire.clone();
        altered[wireSize(size) / 2] ^= 1;
        for (boolean pipelining : new boolean[] { false, true }) {
            Received received = receive(size, altered, keys, pipelining);
            assertThat(received.failure()).as("one bit changed, pipelining %s", pipelining).isNotNull();
            assertThat(received.failure().kind()).isEqualTo(Kind.MAC_MISMATCH);
        }
    }

    @Test
    void aSinkFailureOnTheWorkerEndsTheTransferWithOutOfDisk() throws Exception {
        int size = 2_000_000;
        TransferKeys keys = TransferKeys.random();
        byte[] wire = senderWire(file(size), keys, false, false);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        WritableByteChannel fullDisk = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                if (written.size() > 500_000) {
                    throw new IOException("No space left on device");
                }
                int n = src.remaining();
                byte[] bytes = new byte[n];
                src.get(bytes);
                written.write(bytes);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        Received received = receive(size, wire, keys, true, fullDisk, written);

        assertThat(received.failure()).isNotNull();
        assertThat(received.failure().kind()).isEqualTo(Kind.LOCAL_IO);
        assertThat(received.bye()).isEqualTo("BYE " + ByeCodes.OUT_OF_DISK);
    }

    @Test
    void cancellingAPipelinedSenderMidFileEndsItsWorker() throws Exception {
        int size = 50_000_000;
        byte[] file = new byte[size];
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(AUTH_COOKIE)
                    .keys(TransferKeys.random())
                    .source(Channels.newChannel(new java.io.ByteArrayInputStream(file)), size).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            RawPeer receiver = new RawPeer(pair.peer());
            receiver.send("VER MSN_SECURE_FTP\r\n");
            receiver.readLine();
            receiver.send("USR " + USER + " " + AUTH_COOKIE + "\r\n");
            receiver.readLine();
            receiver.send("TFR\r\n");
            receiver.read(1_000_000);
            await().atMost(10, TimeUnit.SECONDS).until(() -> Pipeline.busyThreads() > 0);
            sender.cancel();
            try {
                result.get(30, TimeUnit.SECONDS);
                throw new AssertionError("the cancelled sender completed");
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(((MsnftpException) e.getCause()).kind()).isEqualTo(Kind.CANCELLED);
            }
        }
        assertThat(Pipeline.busyThreads()).as("the worker is back in the pool when run() returns").isZero();
    }

    @Test
    void aFileThatFailsToReadOnTheWorkerEndsTheSenderWithAnAbortBlock() throws Exception {
        int size = 3_000_000;
        ReadableByteChannel failing = new ReadableByteChannel() {
            private long read;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (read > 1_000_000) {
                    throw new IOException("Input/output error");
                }
                int n = dst.remaining();
                dst.position(dst.limit());
                read += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        try (Loopback.RawPair pair = Loopback.raw(false)) {
            MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(AUTH_COOKIE)
                    .keys(TransferKeys.random()).source(failing, size).build();
            Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
            RawPeer receiver = new RawPeer(pair.peer());
            receiver.send("VER MSN_SECURE_FTP\r\n");
            receiver.readLine();
            receiver.send("USR " + USER + " " + AUTH_COOKIE + "\r\n");
            receiver.readLine();
            receiver.send("TFR\r\n");
            byte[] rest = receiver.readToEnd();
            try {
                result.get(30, TimeUnit.SECONDS);
                throw new AssertionError("the sender completed although its file failed");
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(((MsnftpException) e.getCause()).kind()).isEqualTo(Kind.LOCAL_IO);
            }
            assertThat(rest.length % (Frames.BLOCK_BODY + Frames.HEADER)).as("whole blocks, then the abort block")
                    .isEqualTo(Frames.HEADER);
            assertThat(Arrays.copyOfRange(rest, rest.length - 3, rest.length)).isEqualTo(Frames.ABORT_BLOCK);
        }
    }

    @Test
    void theWorkerThreadsAreBoundedAndATransferBeyondTheBoundRunsOnOneThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Pipeline<Object>> holding = new ArrayList<>();
        try {
            for (int i = 0; i < Pipeline.MAX_THREADS; i++) {
                Pipeline<Object> pipeline = Pipeline.start(List.of(new Object()), List.of(), item -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return false;
                });
                assertThat(pipeline).as("worker %d of %d", i + 1, Pipeline.MAX_THREADS).isNotNull();
                holding.add(pipeline);
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> Pipeline.busyThreads() == Pipeline.MAX_THREADS);
            assertThat(Pipeline.start(List.of(new Object()), List.of(), item -> false)).as("one worker too many").isNull();

            // a transfer asking for a worker now still completes, on one thread, with the same bytes
            byte[] file = file(1 << 20);
            TransferKeys keys = TransferKeys.random();
            long before = Pipeline.started();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            try (Loopback.RawPair pair = Loopback.raw(false)) {
                MsnftpSender sender = MsnftpSender.builder().peerUser(USER).authCookie(AUTH_COOKIE).keys(keys)
                        .source(Channels.newChannel(new java.io.ByteArrayInputStream(file)), file.length).build();
                Future<MsnftpResult> result = executor.submit(() -> sender.run(pair.ours()));
                RawPeer receiver = new RawPeer(pair.peer());
                receiver.send("VER MSN_SECURE_FTP\r\n");
                receiver.readLine();
                receiver.send("USR " + USER + " " + AUTH_COOKIE + "\r\n");
                receiver.readLine();
                receiver.send("TFR\r\n");
                wire.write(receiver.read(wireSize(file.length)));
                receiver.send("BYE 16777989\r\n");
                wire.write(receiver.readToEnd());
                result.get(30, TimeUnit.SECONDS);
            }
            assertThat(Pipeline.started()).isEqualTo(before);
            assertThat(wire.toByteArray()).isEqualTo(senderWireAfterRelease(file, keys, release, holding));
        } finally {
            release.countDown();
            holding.forEach(Pipeline::close);
        }
        assertThat(Pipeline.threads()).isLessThanOrEqualTo(Pipeline.MAX_THREADS);
    }

    private byte[] senderWireAfterRelease(byte[] file, TransferKeys keys, CountDownLatch release,
                                          List<Pipeline<Object>> holding) throws Exception {
        release.countDown();
        holding.forEach(Pipeline::close);
        holding.clear();
        await().atMost(10, TimeUnit.SECONDS).until(() -> Pipeline.busyThreads() == 0);
        return senderWire(file, keys, true, false);
    }
}
