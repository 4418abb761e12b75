package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

import dev.camelmsnftp.sip.SipAgent;

/**
 * Our MSNFTP listener for one transfer (the sender's in flow A, the receiver's in flows B and C): bound on
 * {@code ftpHost} to a port of {@code ftpPort}, with the address and port our listening ACCEPT advertises. Closing it
 * never throws.
 */
final class Listening implements AutoCloseable {

    /**
     * How long a session on a connection we accepted waits, once it ended as it should, for the peer to close first
     * (every peer closes once it has the last line): the side that closes first keeps the connection in TIME_WAIT for
     * a minute, and on our side that entry would sit on a port of {@code ftpPort}, which every later bind to that port,
     * or to any port when the system picks one, has to step over (a third of all CPU at a few hundred files a second).
     */
    static final Duration PEER_CLOSE_WAIT = Duration.ofSeconds(1);

    private final ServerSocketChannel channel;
    private final int port;
    private final String advertised;

    private Listening(ServerSocketChannel channel, int port, String advertised) {
        this.channel = channel;
        this.port = port;
        this.advertised = advertised;
    }

    /** Binds as the settings say; an {@link IOException} means we cannot listen (bad ftpHost, every port taken). */
    static Listening open(TransferSettings settings, SipAgent agent) throws IOException {
        InetAddress bind = Addresses.bindAddress(settings);
        ServerSocketChannel channel = settings.ftpPort().bind(bind);
        try {
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            return new Listening(channel, port, Addresses.advertised(settings, bind, agent));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    ServerSocketChannel channel() {
        return channel;
    }

    int port() {
        return port;
    }

    /** The IP-Address of our listening ACCEPT. */
    String advertised() {
        return advertised;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was listening any more
        }
    }
}
