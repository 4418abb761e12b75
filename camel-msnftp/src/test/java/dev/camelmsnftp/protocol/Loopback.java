package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Connected TCP pairs on 127.0.0.1 for session tests. */
final class Loopback {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Loopback() {
    }

    /** Two connected channels; {@code first} is the side that connected when {@code firstConnects}. */
    record ChannelPair(SocketChannel first, SocketChannel second) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            first.close();
            second.close();
        }
    }

    /** Our channel and a raw peer socket; {@code weConnect} chooses who connected. */
    record RawPair(SocketChannel ours, Socket peer) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            ours.close();
            peer.close();
        }
    }

    static ChannelPair channels(boolean firstConnects) {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0), 1);
            SocketChannel connecting = SocketChannel.open(server.getLocalAddress());
            SocketChannel accepted = server.accept();
            return firstConnects ? new ChannelPair(connecting, accepted) : new ChannelPair(accepted, connecting);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawPair raw(boolean weConnect) {
        return raw(weConnect, 0);
    }

    /**
     * As {@link #raw(boolean)}, with socket buffers of {@code bufferSize} bytes (0: the defaults) set before the
     * connection exists, so that the window really is that small: a writer blocks after a few KiB.
     */
    static RawPair raw(boolean weConnect, int bufferSize) {
        try {
            if (weConnect) {
                try (ServerSocket server = new ServerSocket()) {
                    if (bufferSize > 0) {
                        server.setReceiveBufferSize(bufferSize);
                    }
                    server.bind(new InetSocketAddress(LOOPBACK, 0), 1);
                    SocketChannel ours = SocketChannel.open();
                    if (bufferSize > 0) {
                        ours.setOption(java.net.StandardSocketOptions.SO_SNDBUF, bufferSize);
                    }
                    ours.connect(server.getLocalSocketAddress());
                    Socket peer = server.accept();
                    peer.setSoTimeout(10_000);
                    return new RawPair(ours, peer);
                }
            }
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(LOOPBACK, 0), 1);
                Socket peer = new Socket(LOOPBACK, ((InetSocketAddress) server.getLocalAddress()).getPort());
                peer.setSoTimeout(10_000);
                return new RawPair(server.accept(), peer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
