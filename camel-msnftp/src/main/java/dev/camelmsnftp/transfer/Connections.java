package dev.camelmsnftp.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.LoggerFactory;

/**
 * Accepting and making the TCP connection of one transfer, each with a deadline, and cancellable from another thread.
 * Channels come back connected and in blocking mode (the MSNFTP session switches them as it needs).
 */
final class Connections implements Closeable {

    private static final PeerLog PEER_LOG = new PeerLog(LoggerFactory.getLogger(Connections.class));

    private final Selector selector;
    private volatile boolean cancelled;

    Connections() throws IOException {
        this.selector = Selector.open();
    }

    /** The next connection to {@code listener}; {@link SocketTimeoutException} when none came by the deadline. */
    SocketChannel accept(ServerSocketChannel listener, long deadlineNanos) throws IOException {
        listener.configureBlocking(false);
        SelectionKey key = listener.register(selector, SelectionKey.OP_ACCEPT);
        try {
            while (true) {
                SocketChannel accepted = listener.accept();
                if (accepted != null) {
                    accepted.configureBlocking(true);
                    return accepted;
                }
                await(deadlineNanos, "No connection came");
            }
        } finally {
            key.cancel();
            selector.selectNow();
        }
    }

    /**
     * The next connection to {@code listener} that comes from an address {@code allowed} takes; others are closed at
     * once (without a byte) and logged, and the wait goes on until the deadline.
     */
    SocketChannel acceptFrom(ServerSocketChannel listener, long deadlineNanos, Predicate<InetAddress> allowed, long cookie)
            throws IOException {
        while (true) {
            SocketChannel accepted = accept(listener, deadlineNanos);
            InetAddress from = ((InetSocketAddress) accepted.getRemoteAddress()).getAddress();
            if (allowed.test(from)) {
                return accepted;
            }
            accepted.close();
            PEER_LOG.warn("Refused a connection from {} to the transfer of cookie {}: not an address of the peer"
                          + " (option ftpPeerAddresses)", from.getHostAddress(), cookie);
        }
    }

    /**
     * Connects to the first of {@code targets} that answers (they are tried at once, in parallel); the others are
     * closed. Fails with the last error when none answers, or {@link SocketTimeoutException} at the deadline.
     */
    SocketChannel connect(List<InetSocketAddress> targets, long deadlineNanos) throws IOException {
        List<SocketChannel> pending = new ArrayList<>();
        IOException lastError = null;
        try {
            for (InetSocketAddress target : targets) {
                SocketChannel channel = SocketChannel.open();
                pending.add(channel);
                channel.configureBlocking(false);
                try {
                    if (channel.connect(target)) {
                        return won(channel, pending);
                    }
                    channel.register(selector, SelectionKey.OP_CONNECT);
                } catch (IOException e) {
                    lastError = e;
                    channel.close();
                }
            }
            while (pending.stream().anyMatch(SocketChannel::isOpen)) {
                await(deadlineNanos, "Could not connect to " + targets);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    try {
                        if (channel.finishConnect()) {
                            return won(channel, pending);
                        }
                    } catch (IOException e) {
                        lastError = e;
                        key.cancel();
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            throw lastError != null ? lastError : new IOException("Nothing to connect to");
        } finally {
            for (SocketChannel channel : pending) {
                channel.close();
            }
        }
    }

    private SocketChannel won(SocketChannel channel, List<SocketChannel> pending) throws IOException {
        pending.remove(channel);
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
        }
        selector.selectNow();
        channel.configureBlocking(true);
        return channel;
    }

    private void await(long deadlineNanos, String timeoutMessage) throws IOException {
        if (cancelled) {
            throw new CancellationException("Cancelled");
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(timeoutMessage);
        }
        try {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (ClosedSelectorException | CancelledKeyException e) {
            throw new CancellationException("Cancelled");
        }
        if (cancelled) {
            throw new CancellationException("Cancelled");
        }
    }

    /** Ends the current or next wait with a {@link CancellationException}; safe from any thread. */
    void cancel() {
        cancelled = true;
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
