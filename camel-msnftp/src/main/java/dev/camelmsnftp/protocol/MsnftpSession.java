package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;

/**
 * What the two roles of an MSNFTP session, {@link MsnftpSender} and {@link MsnftpReceiver}, share: the dialect (the
 * keys), the time-outs and minimum rate, progress reporting, and the connection, which {@link #cancel()} may end from
 * any thread. One instance runs once.
 */
public abstract sealed class MsnftpSession permits MsnftpSender, MsnftpReceiver {

    final TransferKeys keys;
    final Duration timeout;
    final Duration byeTimeout;
    final long minRate;
    final ProgressListener progress;
    final long authCookie;
    final boolean pipelining;
    final boolean jdkRc4;
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
