package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two roles of an MSNFTP session, {@link MsnftpSender} and {@link MsnftpReceiver}, share: the dialect (the
 * keys), the time-outs and minimum rate, progress reporting, and the connection, which {@link #cancel()} may end from
 * any thread. One instance runs once.
 */
public abstract sealed class MsnftpSession permits MsnftpSender, MsnftpReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpSession.class);

    final TransferKeys keys;
    final Duration timeout;
    final Duration byeTimeout;
    final long minRate;
    final ProgressListener progress;
    final long authCookie;
    final boolean pipelining;
    final boolean jdkRc4;
    final Duration peerClosesFirst;
    private final Object lock = new Object();
    private MsnftpChannel channel;
    private boolean cancelled;
    /** Set by {@link #settle}: a cancel no longer cuts the connection. */
    private boolean settled;

    MsnftpSession(Builder<?> b) {
        this.keys = b.keys;
        this.timeout = b.timeout;
        this.byeTimeout = b.byeTimeout;
        this.minRate = b.minRate;
        this.progress = b.progress;
        this.authCookie = b.authCookie;
        this.pipelining = b.pipelining;
        this.jdkRc4 = b.jdkRc4;
        this.peerClosesFirst = b.peerClosesFirst;
    }

    /** The dialect this session speaks: encrypted when it has keys. */
    public Dialect dialect() {
        return keys == null ? Dialect.MSNFTP : Dialect.MSN_SECURE_FTP;
    }

    /**
     * Runs the session on {@code socket} (blocking or not; it is switched to non-blocking) and closes it.
     *
     * @return what was transferred, with the BYE code
     * @throws MsnftpException when the session did not complete, with what happened
     */
    public abstract MsnftpResult run(SocketChannel socket) throws MsnftpException;

    /**
     * Cancels the session (unless it is settled, see {@link #settle}): its current or next wait ends and {@link #run} throws {@link Kind#CANCELLED}, after telling
     * the peer (the receiver sends {@code CCL}, the sender finishes its block and sends the abort block). Safe from any
     * thread, before or during {@link #run}.
     */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            if (channel != null && !settled) {
                channel.cancel();
            }
        }
    }

    /**
     * From now on a {@link #cancel} no longer cuts the connection: the receiver has the complete file and is delivering
     * it, and owes the sender the outcome whatever happens.
     */
    final void settle() {
        synchronized (lock) {
            settled = true;
        }
    }

    /** Whether the session has settled (see {@link #settle}): a cancel no longer ends it, it runs to its end. */
    public boolean settled() {
        synchronized (lock) {
            return settled;
        }
    }

    /**
     * Takes over the connection for {@link #run}, with an input buffer of {@code inputBuffer} bytes; a session
     * cancelled before it comes here starts cancelled.
     */
    final MsnftpChannel open(SocketChannel socket, int inputBuffer) throws MsnftpException {
        synchronized (lock) {
            try {
                channel = new MsnftpChannel(socket, inputBuffer);
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already failing
                }
                throw new MsnftpException(Kind.CONNECTION_LOST, Phase.HANDSHAKE, "Cannot use the connection", e);
            }
            if (cancelled) {
                channel.cancel();
            }
            return channel;
        }
    }

    /**
     * The session ended as it should, its last line written or read: when the peer is to close first (see
     * {@link Builder#peerClosesFirst}), waits for that before {@link #run} closes our end. Returns {@code result}.
     */
    final MsnftpResult completed(MsnftpChannel ch, MsnftpResult result) {
        if (peerClosesFirst != null && !ch.awaitPeerClose(MsnftpChannel.deadline(peerClosesFirst))) {
            LOG.debug("The peer did not close the connection within {} of the end; closing it first", peerClosesFirst);
        }
        return result;
    }

    /** The settings both roles take. */
    public abstract static sealed class Builder<B extends Builder<B>> permits MsnftpSender.Builder, MsnftpReceiver.Builder {

        TransferKeys keys;
        Duration timeout = Duration.ofSeconds(60);
        Duration byeTimeout = Duration.ofSeconds(30);
        long minRate;
        ProgressListener progress = ProgressListener.NONE;
        long authCookie;
        boolean pipelining = true;
        boolean jdkRc4;
        Duration peerClosesFirst;

        Builder() {
        }

        abstract B self();

        /**
         * Speak {@code MSN_SECURE_FTP} with these keys (those of the receiver's ACCEPT); without keys, plain MSNFTP.
         * A session with keys never falls back to plain.
         */
        public B keys(TransferKeys keys) {
            this.keys = keys;
            return self();
        }

        /** The longest silence of the peer (nothing read, nothing written) before giving up. */
        public B timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return self();
        }

        /** How long to wait for the BYE after the last block (sender) or for the MAC line after our BYE (receiver). */
        public B byeTimeout(Duration byeTimeout) {
            this.byeTimeout = Objects.requireNonNull(byeTimeout);
            return self();
        }

        /**
         * The slowest the data may move, in bytes per second on average over each {@link #timeout} window
         * ({@link Kind#TIMEOUT} otherwise); 0, the default, checks only silence.
         */
        public B minRate(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("minRate must be >= 0");
            }
            this.minRate = bytesPerSecond;
            return self();
        }

        public B progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress);
            return self();
        }

        /**
         * The AuthCookie of the listening party's ACCEPT: the receiver presents it in {@code USR}, the sender accepts
         * only a receiver that does.
         */
        public B authCookie(long authCookie) {
            this.authCookie = authCookie;
            return self();
        }

        /**
         * Let the peer close the connection first: once the session has ended as it should, wait up to {@code wait} for
         * the peer's end of the connection (discarding anything more it sends) before closing ours; {@code null}, the
         * default, closes at once. For the side that accepted the connection: whichever side closes first keeps the
         * connection in TIME_WAIT for a minute, and on the accepting side that entry sits on the listening port, which
         * every later listener's bind must step over. Failed sessions close at once.
         */
        public B peerClosesFirst(Duration wait) {
            this.peerClosesFirst = wait;
            return self();
        }

        /**
         * Whether an encrypted file of at least {@link Pipeline#MIN_SIZE} may use a second thread (on by default); off,
         * the bytes on the wire and the file are the same. For tests and measurements.
         */
        B pipelining(boolean pipelining) {
            this.pipelining = pipelining;
            return self();
        }

        /** The JDK's ARCFOUR instead of our RC4 (the same bytes); for tests and measurements. */
        B jdkRc4(boolean jdkRc4) {
            this.jdkRc4 = jdkRc4;
            return self();
        }
    }
}
