package dev.camelmsnftp.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
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
 * The baseline: the file's bytes over a plain Java TCP socket on loopback, file to file, one connection per file.
 * {@code streams} copies with 64 KiB buffers through the socket streams, as an ordinary Java program would;
 * {@code zero-copy} uses {@code FileChannel.transferTo/transferFrom} (sendfile), the ceiling for a protocol that has no
 * framing, which MSNFTP cannot use because every 2045 bytes carry a 3-byte header.
 */
final class RawSocketCopier implements Copier {

    private final boolean zeroCopy;
    private final ExecutorService executor;

    RawSocketCopier(boolean zeroCopy, ExecutorService executor) {
        this.zeroCopy = zeroCopy;
        this.executor = executor;
    }

    @Override
    public String name() {
        return zeroCopy ? "raw socket, zero-copy" : "raw socket, 64 KiB streams";
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
                    if (zeroCopy) {
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
                if (zeroCopy) {
                    for (long received = 0; received < size; ) {
                        long n = out.transferFrom(socket, received, size - received);
                        if (n <= 0) {
                            throw new IllegalStateException("connection ended after " + received + " bytes");
                        }
                        received += n;
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
        byte[] buffer = new byte[65536];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
    }
}
