package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.camelmsnftp.protocol.MsnftpChannel.deadline;

/**
 * The sender role of an MSNFTP session (SPEC 4), over a connected socket whichever side connected: waits for the
 * receiver's {@code VER} and {@code USR}, checks the user and AuthCookie (on a mismatch it closes without sending a
 * byte of the file), sends {@code FIL}, waits for {@code TFR}, streams the file in 2045-byte blocks with no end
 * block, stops at once on {@code CCL}, and returns the receiver's success {@code BYE} code. With keys it speaks
 * {@code MSN_SECURE_FTP} and sends the MAC line after BYE.
 * <p>
 * One instance runs once. {@link #cancel()} may be called from any thread. The source is read only after the
 * receiver authenticated and is not closed here; the socket is always closed.
 */
public final class MsnftpSender {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpSender.class);

    private final String peerUser;
    private final long authCookie;
    private final TransferKeys keys;
    private final ReadableByteChannel source;
    private final long size;
    private final Duration timeout;
    private final Duration authenticationTimeout;
    private final Duration byeTimeout;
    private final ProgressListener progress;
    private final Duration outcomeTimeout;
    private final boolean pipelining;
    private final boolean jdkRc4;
    private final Object lock = new Object();
    private MsnftpChannel channel;
    private boolean cancelled;
    private volatile boolean authenticated;

    private MsnftpSender(Builder b) {
        this.peerUser = withoutSipScheme(Objects.requireNonNull(b.peerUser, "peerUser"));
        this.authCookie = b.authCookie;
        this.keys = b.keys;
        this.source = Objects.requireNonNull(b.source, "source");
        this.size = b.size;
        this.timeout = b.timeout;
        this.authenticationTimeout = b.authenticationTimeout == null ? b.timeout : b.authenticationTimeout;
        this.byeTimeout = b.byeTimeout;
        this.progress = b.progress;
        this.outcomeTimeout = b.outcomeTimeout;
        this.pipelining = b.pipelining;
        this.jdkRc4 = b.jdkRc4;
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The dialect this sender speaks: encrypted when it has keys. */
    public Dialect dialect() {
        return keys == null ? Dialect.MSNFTP : Dialect.MSN_SECURE_FTP;
    }

    /**
     * Runs the session on {@code socket} (blocking or not; it is switched to non-blocking) and closes it.
     *
     * @return the success BYE code and what was sent
     * @throws MsnftpException when the session did not complete, with what happened
     */
    public MsnftpResult run(SocketChannel socket) throws MsnftpException {
        MsnftpChannel ch = open(socket);
        Phase phase = Phase.HANDSHAKE;
        boolean midChunk = false;
        try {
            handshake(ch);
            phase = Phase.DATA;
            SecureBodies secure = keys == null ? null : SecureBodies.forSending(keys, jdkRc4);
            Pipeline<Chunk> pipeline = secure != null && pipelining && size >= Pipeline.MIN_SIZE
                    ? startPipeline(secure) : null;
            try {
                Chunk single = pipeline == null ? new Chunk() : null;
                long sent = 0;
                while (sent < size) {
                    Chunk chunk;
                    if (pipeline == null) {
                        chunk = single;
                        chunk.read((int) Math.min(chunk.data.capacity(), size - sent));
                        if (secure != null) {
                            secure.seal(chunk.data);
                        }
                    } else {
                        // the worker has read and MACed it; encrypting here runs alongside its MAC of the next
                        chunk = pipeline.take(() -> checkCancelled(ch));
                        secure.crypt(chunk.data);
                    }
                    int count = chunk.frame();
                    midChunk = true;
                    ch.write(chunk.frames, count, timeout, Phase.DATA);
                    midChunk = false;
                    sent += chunk.length;
                    if (pipeline != null) {
                        pipeline.give(chunk);
                    }
                    progress.onProgress(sent, size);
                    String line = sent < size ? ch.pollLine(Phase.DATA) : null;
                    if (line != null) {
                        throw Lines.unexpected(line, Phase.DATA, "nothing before the end of the file");
                    }
                }
            } finally {
                if (pipeline != null) {
                    pipeline.close();
                }
            }
            if (outcomeTimeout != null && secure == null) {
                // plain dialect: the receiver holds its BYE until it delivered the file
                phase = Phase.OUTCOME;
                long bye = awaitBye(ch, outcomeTimeout, Phase.OUTCOME);
                LOG.debug("Sent {} bytes ({}), receiver delivered it: BYE {}", size, dialect(), bye);
                return new MsnftpResult(size, bye, dialect(), bye);
            }
            phase = Phase.BYE;
            long bye = awaitBye(ch, byeTimeout, Phase.BYE);
            if (secure != null) {
                phase = Phase.MAC;
                ch.write(ByteBuffer.wrap(SecureBodies.macLine(secure.finishMac())), deadline(byeTimeout), Phase.MAC);
                if (outcomeTimeout != null) {
                    phase = Phase.OUTCOME;
                    long ack = awaitAck(ch);
                    LOG.debug("Sent {} bytes ({}), receiver said BYE {} and delivered it: ACK {}", size, dialect(), bye, ack);
                    return new MsnftpResult(size, bye, dialect(), ack);
                }
            }
            LOG.debug("Sent {} bytes ({}), receiver said BYE {}", size, dialect(), bye);
            return new MsnftpResult(size, bye, dialect());
        } catch (MsnftpException e) {
            if (phase == Phase.DATA && !midChunk && (e.kind() == Kind.CANCELLED || e.kind() == Kind.LOCAL_IO)) {
                ch.writeNow(Frames.ABORT_BLOCK);
            }
            throw e;
        } finally {
            ch.close();
        }
    }

    private MsnftpChannel open(SocketChannel socket) throws MsnftpException {
        synchronized (lock) {
            try {
                channel = new MsnftpChannel(socket, Frames.LINE_INPUT_BUFFER);
            } catch (IOException e) {
                closeQuietly(socket);
                throw new MsnftpException(Kind.CONNECTION_LOST, Phase.HANDSHAKE, "Cannot use the connection", e);
            }
            if (cancelled) {
                channel.cancel();
            }
            return channel;
        }
    }

    private void handshake(MsnftpChannel ch) throws MsnftpException {
        long deadline = deadline(authenticationTimeout);
        String ver = ch.readLine(deadline, Phase.HANDSHAKE);
        if (!Versions.offers(ver, dialect())) {
            throw new MsnftpException(Kind.VERSION_MISMATCH, Phase.HANDSHAKE,
                    "The receiver offered " + Lines.quote(ver) + " but this transfer needs " + dialect());
        }
        ch.writeLine(Versions.line(dialect()), deadline, Phase.HANDSHAKE);
        checkUsr(ch.readLine(deadline, Phase.HANDSHAKE));
        authenticated = true;
        ch.writeLine("FIL " + size, deadline(timeout), Phase.HANDSHAKE);
        String tfr = ch.readLine(deadline(timeout), Phase.HANDSHAKE);
        if (!Lines.is(tfr, "TFR")) {
            throw Lines.unexpected(tfr, Phase.HANDSHAKE, "TFR");
        }
    }

    private void checkUsr(String line) throws MsnftpException {
        String[] words = Lines.words(line);
        if (words.length != 3 || !Lines.is(line, "USR")) {
            throw new MsnftpException(Kind.AUTHENTICATION_FAILED, Phase.HANDSHAKE,
                    "Expected USR <user> <AuthCookie> but got " + Lines.quote(line));
        }
        if (!sameUser(withoutSipScheme(words[1]), peerUser)) {
            throw new MsnftpException(Kind.AUTHENTICATION_FAILED, Phase.HANDSHAKE,
                    "The receiver says it is " + Lines.quote(words[1]) + ", not " + peerUser);
        }
        if (Lines.number(words[2]) != authCookie) {
            throw new MsnftpException(Kind.AUTHENTICATION_FAILED, Phase.HANDSHAKE,
                    "The receiver " + peerUser + " presented a wrong AuthCookie");
        }
    }

    private long awaitBye(MsnftpChannel ch, Duration wait, Phase phase) throws MsnftpException {
        String line = readOutcome(ch, wait, phase);
        String[] words = Lines.words(line);
        if (Lines.is(line, "BYE") && words.length == 2 && ByeCodes.isSuccess(ByeCodes.parse(words[1]))) {
            return ByeCodes.parse(words[1]);
        }
        throw Lines.unexpected(line, phase, "BYE");
    }

    /** Encrypted dialect, after the MAC: {@code ACK <code>}, the receiver's delivery outcome. */
    private long awaitAck(MsnftpChannel ch) throws MsnftpException {
        String line = readOutcome(ch, outcomeTimeout, Phase.OUTCOME);
        String[] words = Lines.words(line);
        if (Lines.is(line, "ACK") && words.length == 2 && ByeCodes.parse(words[1]) >= 0) {
            long code = ByeCodes.parse(words[1]);
            if (ByeCodes.isSuccess(code)) {
                return code;
            }
            throw new MsnftpException(Kind.CANCELLED_BY_PEER, Phase.OUTCOME,
                    "The receiver has the file but did not deliver it: ACK " + ByeCodes.describe(code), code, null);
        }
        throw Lines.unexpected(line, Phase.OUTCOME, "ACK <code>");
    }

    private static String readOutcome(MsnftpChannel ch, Duration wait, Phase phase) throws MsnftpException {
        try {
            return ch.readLine(deadline(wait), phase);
        } catch (MsnftpException e) {
            if (phase == Phase.OUTCOME && e.kind() == Kind.CONNECTION_LOST) {
                throw new MsnftpException(Kind.CONNECTION_LOST, phase,
                        "The receiver closed the connection before it said whether it delivered the file", e);
            }
            if (phase == Phase.OUTCOME && e.kind() == Kind.TIMEOUT) {
                throw new MsnftpException(Kind.TIMEOUT, phase,
                        "The receiver did not say within " + wait + " whether it delivered the file", e);
            }
            throw e;
        }
    }

    /**
     * Whether the peer has presented the expected user and AuthCookie. Until then it has been sent nothing of the
     * file, not even its size: a listener that takes connections from anyone can drop one that failed before this and
     * wait for the next.
     */
    public boolean authenticated() {
        return authenticated;
    }

    /**
     * Cancels the session: its current or next wait ends, a flag-1 block is sent when between blocks, and
     * {@link #run} throws {@link Kind#CANCELLED}. Safe from any thread, before or during {@link #run}.
     */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            if (channel != null) {
                channel.cancel();
            }
        }
    }

    /**
     * Whether USR's user is the invitee: the whole address compared without case, or only the user part when the
     * invitee is known by its user alone (addressed directly by IP and port, it has no domain to compare).
     */
    private static boolean sameUser(String presented, String expected) {
        if (expected.indexOf('@') >= 0) {
            return presented.equalsIgnoreCase(expected);
        }
        int at = presented.indexOf('@');
        return (at < 0 ? presented : presented.substring(0, at)).equalsIgnoreCase(expected);
    }

    static String withoutSipScheme(String user) {
        return user.toLowerCase(Locale.ROOT).startsWith("sip:") ? user.substring(4) : user;
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /**
     * A second thread reads the file and MACs it, {@link Pipeline#DEPTH} chunks ahead, while this one encrypts and
     * sends; null when no thread is free.
     */
    private Pipeline<Chunk> startPipeline(SecureBodies secure) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < Pipeline.DEPTH; i++) {
            chunks.add(new Chunk());
        }
        long[] read = { 0 };
        return Pipeline.start(chunks, List.of(), chunk -> {
            chunk.read((int) Math.min(chunk.data.capacity(), size - read[0]));
            secure.mac(chunk.data);
            read[0] += chunk.length;
            return read[0] < size;
        });
    }

    private static void checkCancelled(MsnftpChannel ch) throws MsnftpException {
        if (ch.isCancelled()) {
            throw new MsnftpException(Kind.CANCELLED, Phase.DATA, "Cancelled");
        }
    }

    /**
     * One chunk of up to 32 blocks framed for a single gathering write: header and body buffers alternate, the
     * bodies are views of one direct buffer the file is read into, so the plain path copies nothing.
     */
    private final class Chunk {
        private final ByteBuffer data = ByteBuffer.allocateDirect(Frames.chunkBody(size));
        private final int blocks = (data.capacity() + Frames.BLOCK_BODY - 1) / Frames.BLOCK_BODY;
        private final ByteBuffer headers = ByteBuffer.allocateDirect(blocks * Frames.HEADER);
        private final ByteBuffer[] frames = new ByteBuffer[2 * blocks];
        private int length;

        Chunk() {
            for (int i = 0; i < blocks; i++) {
                frames[2 * i] = headers.slice(i * Frames.HEADER, Frames.HEADER);
                frames[2 * i + 1] = data.slice(i * Frames.BLOCK_BODY,
                        Math.min(Frames.BLOCK_BODY, data.capacity() - i * Frames.BLOCK_BODY));
            }
        }

        /** Reads the next {@code length} bytes of the file into {@link #data}. */
        void read(int length) throws MsnftpException {
            this.length = length;
            data.clear().limit(length);
            readSource(data);
            data.flip();
        }

        /** Frames the chunk's bytes into blocks; returns the number of buffers to write. */
        int frame() {
            int blocks = (length + Frames.BLOCK_BODY - 1) / Frames.BLOCK_BODY;
            for (int i = 0; i < blocks; i++) {
                int body = Math.min(Frames.BLOCK_BODY, length - i * Frames.BLOCK_BODY);
                headers.put(i * Frames.HEADER, (byte) Frames.FLAG_DATA)
                        .put(i * Frames.HEADER + 1, (byte) body)
                        .put(i * Frames.HEADER + 2, (byte) (body >> 8));
                frames[2 * i].clear();
                frames[2 * i + 1].clear().limit(body);
            }
            return 2 * blocks;
        }

        private void readSource(ByteBuffer into) throws MsnftpException {
            try {
                while (into.hasRemaining()) {
                    if (source.read(into) < 0) {
                        throw new MsnftpException(Kind.LOCAL_IO, Phase.DATA,
                                "The file ended before the " + size + " bytes offered");
                    }
                }
            } catch (MsnftpException e) {
                throw e;
            } catch (IOException e) {
                throw new MsnftpException(Kind.LOCAL_IO, Phase.DATA, "Cannot read the file to send: " + e.getMessage(), e);
            }
        }
    }

    /** Configures a {@link MsnftpSender}. */
    public static final class Builder {
        private String peerUser;
        private long authCookie;
        private TransferKeys keys;
        private ReadableByteChannel source;
        private long size;
        private Duration timeout = Duration.ofSeconds(60);
        private Duration authenticationTimeout;
        private Duration byeTimeout = Duration.ofSeconds(30);
        private ProgressListener progress = ProgressListener.NONE;
        private Duration outcomeTimeout;
        private boolean pipelining = true;
        private boolean jdkRc4;

        /**
         * The invitee's address: the user the receiver must present in USR ({@code sip:} optional). A bare user (no
         * {@code @}) is compared with the user part of USR only.
         */
        public Builder peerUser(String peerUser) {
            this.peerUser = peerUser;
            return this;
        }

        /** The AuthCookie the receiver must present in USR. */
        public Builder authCookie(long authCookie) {
            this.authCookie = authCookie;
            return this;
        }

        /** Speak {@code MSN_SECURE_FTP} with these keys (from the receiver's ACCEPT); without keys, plain MSNFTP. */
        public Builder keys(TransferKeys keys) {
            this.keys = keys;
            return this;
        }

        /** The file: exactly {@code size} bytes are read from {@code source}. */
        public Builder source(ReadableByteChannel source, long size) {
            this.source = source;
            this.size = size;
            return this;
        }

        /** The longest silence (nothing read, nothing written) before giving up. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * How long the receiver may take to send {@code VER} and {@code USR} (by default {@link #timeout}). A listener
         * that takes connections from anyone keeps it short, so that a silent one does not hold it for long.
         */
        public Builder authenticationTimeout(Duration authenticationTimeout) {
            this.authenticationTimeout = Objects.requireNonNull(authenticationTimeout);
            return this;
        }

        /** How long to wait for BYE after the last block: the receiver may be flushing to disk. */
        public Builder byeTimeout(Duration byeTimeout) {
            this.byeTimeout = Objects.requireNonNull(byeTimeout);
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        /**
         * Wait, at most {@code outcomeTimeout}, for the receiver to say whether it delivered the file (it said it would,
         * SPEC 5 acknowledge=afterRoute): its held BYE in the plain dialect, its ACK line after the MAC in the
         * encrypted one. A failure code fails the session with {@link Kind#CANCELLED_BY_PEER} and that code.
         */
        public Builder awaitOutcome(Duration outcomeTimeout) {
            this.outcomeTimeout = Objects.requireNonNull(outcomeTimeout);
            return this;
        }

        /**
         * Whether an encrypted file of at least {@link Pipeline#MIN_SIZE} may use a second thread (on by default); off,
         * the wire bytes are the same. For tests and measurements.
         */
        Builder pipelining(boolean pipelining) {
            this.pipelining = pipelining;
            return this;
        }

        /** The JDK's ARCFOUR instead of our RC4 (the same bytes); for tests and measurements. */
        Builder jdkRc4(boolean jdkRc4) {
            this.jdkRc4 = jdkRc4;
            return this;
        }

        public MsnftpSender build() {
            return new MsnftpSender(this);
        }
    }
}
