package dev.camelmsnftp.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The file's bytes over a plain Java TCP socket on loopback, file to file, one connection per file, with no framing.
 * {@code strong} is the baseline every ratio refers to: {@code FileChannel.transferTo} out (sendfile, no copy in user
 * space) and a loop reading into one direct 1 MiB buffer and writing it to the file. {@code streams} copies with
 * 64 KiB buffers through the socket streams, as an ordinary Java program would; printed for information.
 */
final class RawSocketCopier implements Copier {

    private static final int DIRECT_BUFFER = 1 << 20;

    private final boolean strong;
    private final ExecutorService executor;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(DIRECT_BUFFER);

    RawSocketCopier(boolean strong, ExecutorService executor) {
        this.strong = strong;
        this.executor = executor;
    }

    @Override
    public String name() {
        return strong ? "raw socket, transferTo out, direct 1 MiB buffer in" : "raw socket, 64 KiB streams";
    }

    @Override
    public void copy(Path source, Path target) throws Exception {
        long size = Files.size(source);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Future<?> sending = executor.submit(() -> {
                try (SocketChannel socket = SocketChannel.open(server.getLocalAddress());
                        FileChannel in = FileChannel.open(source)) {
                    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (strong) {
                        for (long sent = 0; sent < size; ) {
                            sent += in.transferTo(sent, size - sent, socket);
                        }
                    } else {
                        try (InputStream file = Channels.newInputStream(in);
                                OutputStream out = socket.socket().getOutputStream()) {
                            copy(file, out);
                        }
                    }
                }
                return null;
            });
            try (SocketChannel socket = server.accept();
                    FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                if (strong) {
                    long received = 0;
                    while (socket.read(buffer.clear()) >= 0) {
                        buffer.flip();
                        received += buffer.remaining();
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                    }
                    if (received != size) {
                        throw new IllegalStateException("connection ended after " + received + " of " + size + " bytes");
                    }
                } else {
                    try (InputStream in = socket.socket().getInputStream();
                            OutputStream file = Channels.newOutputStream(out)) {
                        copy(in, file);
                    }
                }
            }
            sending.get(60, TimeUnit.SECONDS);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
        byte[] bytes = new byte[65536];
        for (int n = in.read(bytes); n >= 0; n = in.read(bytes)) {
            out.write(bytes, 0, n);
        }
    }
}
