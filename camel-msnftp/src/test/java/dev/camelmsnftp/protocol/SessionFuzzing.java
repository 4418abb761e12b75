package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.camelmsnftp.invite.TransferKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the MSNFTP fuzz tests share: one loopback listener, a fixed AuthCookie and keys, a short time-out, and a way to
 * play the fuzzer's bytes as the other side of a real connection.
 */
abstract class SessionFuzzing {

    static final long AUTH_COOKIE = 4242;
    static final Duration TIMEOUT = Duration.ofMillis(300);
    static final TransferKeys KEYS = TransferKeys.of(new byte[24], new byte[24]);
    private static ServerSocketChannel server;

    @BeforeAll
    static void listen() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void close() throws IOException {
        server.close();
    }

    /** Our end of a connection whose other end has sent {@code peer} and closed its output. */
    interface Session {
        void run(SocketChannel ours) throws MsnftpException;
    }

    /** Runs {@code session} against {@code peer}; a typed {@link MsnftpException} is a clean end, anything else is not. */
    static void play(byte[] peer, Session session) throws IOException {
        try (SocketChannel theirs = SocketChannel.open(server.getLocalAddress());
             SocketChannel ours = server.accept()) {
            theirs.write(ByteBuffer.wrap(peer));
            theirs.shutdownOutput();
            try {
                session.run(ours);
            } catch (MsnftpException expected) {
                // the peer broke the protocol, went silent or hung up: a clean, typed failure
            }
        }
    }
}
