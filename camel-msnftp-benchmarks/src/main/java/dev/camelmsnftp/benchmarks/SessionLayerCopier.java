package dev.camelmsnftp.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.AsBefore;
import dev.camelmsnftp.protocol.MsnftpReceiver;
import dev.camelmsnftp.protocol.MsnftpSender;

/**
 * The MSNFTP session layer alone: {@link MsnftpSender} to {@link MsnftpReceiver} over loopback, file to file. The
 * encrypted one as it is, or {@code asBefore}: one thread and the JDK's ARCFOUR, as before the pipelining.
 */
final class SessionLayerCopier implements Copier {

    private static final long AUTH_COOKIE = 1_234_567L;

    private final boolean encrypted;
    private final boolean asBefore;
    private final ExecutorService executor;

    SessionLayerCopier(boolean encrypted, ExecutorService executor) {
        this(encrypted, false, executor);
    }

    SessionLayerCopier(boolean encrypted, boolean asBefore, ExecutorService executor) {
        this.encrypted = encrypted;
        this.asBefore = asBefore;
        this.executor = executor;
    }

    @Override
    public String name() {
        return "MSNFTP session layer, " + (!encrypted ? "plain"
                : asBefore ? "encrypted as before (JDK ARCFOUR, one thread)" : "encrypted");
    }

    @Override
    public void copy(Path source, Path target) throws Exception {
        long size = Files.size(source);
        TransferKeys keys = encrypted ? TransferKeys.random() : null;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Future<?> sending = executor.submit(() -> {
                try (FileChannel in = FileChannel.open(source)) {
                    MsnftpSender.Builder sender = MsnftpSender.builder().peerUser("bob@bench.example")
                            .authCookie(AUTH_COOKIE).source(in, size);
                    if (keys != null) {
                        sender.keys(keys);
                    }
                    if (asBefore) {
                        AsBefore.sender(sender);
                    }
                    return sender.build().run(SocketChannel.open(server.getLocalAddress()));
                }
            });
            try (SocketChannel socket = server.accept();
                    FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                MsnftpReceiver.Builder receiver = MsnftpReceiver.builder().localUser("bob@bench.example")
                        .authCookie(AUTH_COOKIE).sink(out, size);
                if (keys != null) {
                    receiver.keys(keys);
                }
                if (asBefore) {
                    AsBefore.receiver(receiver);
                }
                receiver.build().run(socket);
            }
            sending.get(60, TimeUnit.SECONDS);
        }
    }
}
