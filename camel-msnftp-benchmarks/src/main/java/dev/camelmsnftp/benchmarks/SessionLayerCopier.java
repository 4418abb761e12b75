package dev.camelmsnftp.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.AsBefore;
import dev.camelmsnftp.protocol.MsnftpReceiver;
import dev.camelmsnftp.protocol.MsnftpSender;

/**
 * The MSNFTP session layer alone: {@link MsnftpSender} to {@link MsnftpReceiver} over loopback, file to file, in one
 * of its {@link Variant}s.
 */
final class SessionLayerCopier implements Copier {

    private static final long AUTH_COOKIE = 1_234_567L;

    /** How the session runs. */
    enum Variant {
        PLAIN("plain"),
        /** As the component runs it: our RC4, the MAC on a second thread for files of 1 MiB and more. */
        ENCRYPTED("encrypted"),
        /** Our RC4, everything on the session's thread. */
        ENCRYPTED_ONE_THREAD("encrypted, one thread (our RC4, no second thread)"),
        /** As before the pipelining: the JDK's ARCFOUR, one thread. */
        ENCRYPTED_AS_BEFORE("encrypted as before (JDK ARCFOUR, one thread)");

        private final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /** As the component's {@code Listening.PEER_CLOSE_WAIT}. */
    private static final Duration PEER_CLOSE_WAIT = Duration.ofSeconds(1);

    private final Variant variant;
    private final ExecutorService executor;

    SessionLayerCopier(Variant variant, ExecutorService executor) {
        this.variant = variant;
        this.executor = executor;
    }

    @Override
    public String name() {
        return "MSNFTP session layer, " + variant.label;
    }

    @Override
    public void copy(Path source, Path target) throws Exception {
        long size = Files.size(source);
        TransferKeys keys = variant != Variant.PLAIN ? TransferKeys.random() : null;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Future<?> sending = executor.submit(() -> {
                try (FileChannel in = FileChannel.open(source)) {
                    MsnftpSender.Builder sender = MsnftpSender.builder().peerUser("bob@bench.example")
                            .authCookie(AUTH_COOKIE).source(in, size);
                    if (keys != null) {
                        sender.keys(keys);
                    }
                    if (variant == Variant.ENCRYPTED_AS_BEFORE) {
                        AsBefore.sender(sender);
                    } else if (variant == Variant.ENCRYPTED_ONE_THREAD) {
                        AsBefore.oneThread(sender);
                    }
                    return sender.build().run(SocketChannel.open(server.getLocalAddress()));
                }
            });
            try (SocketChannel socket = server.accept();
                    FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                // as the component's receiver that listened: the sender closes first, so that no TIME_WAIT stays on
                // the listening port (thousands of them slow every later bind, and run out the ephemeral ports)
                MsnftpReceiver.Builder receiver = MsnftpReceiver.builder().localUser("bob@bench.example")
                        .authCookie(AUTH_COOKIE).sink(out, size).peerClosesFirst(PEER_CLOSE_WAIT);
                if (keys != null) {
                    receiver.keys(keys);
                }
                if (variant == Variant.ENCRYPTED_AS_BEFORE) {
                    AsBefore.receiver(receiver);
                } else if (variant == Variant.ENCRYPTED_ONE_THREAD) {
                    AsBefore.oneThread(receiver);
                }
                receiver.build().run(socket);
            }
            sending.get(60, TimeUnit.SECONDS);
        }
    }
}
