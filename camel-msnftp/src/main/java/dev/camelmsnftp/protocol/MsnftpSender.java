package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
public final class MsnftpSender extends MsnftpSession {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpSender.class);
    /** The longest we wait, once we gave up, for the receiver to take the rest of a block and the abort block. */
    static final Duration ABORT_WAIT = Duration.ofSeconds(2);
    /** How long the sender of an empty file waits for a BYE that aMSN never sends (see {@link #awaitByeForEmptyFile}). */
    static final Duration EMPTY_FILE_BYE_WAIT = Duration.ofSeconds(2);

    private final String peerUser;
    private final ReadableByteChannel source;
    private final long size;
    private final Duration authenticationTimeout;
    private final Duration outcomeTimeout;
    private volatile boolean authenticated;

    private MsnftpSender(Builder b) {
        super(b);
        this.peerUser = withoutSipScheme(Objects.requireNonNull(b.peerUser, "peerUser"));
        this.source = Objects.requireNonNull(b.source, "source");
        this.size = b.size;
        this.authenticationTimeout = b.authenticationTimeout == null ? b.timeout : b.authenticationTimeout;
        this.outcomeTimeout = b.outcomeTimeout;
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public MsnftpResult run(SocketChannel socket) throws MsnftpException {
        MsnftpChannel ch = open(socket, Frames.LINE_INPUT_BUFFER);
        Phase phase = Phase.HANDSHAKE;
        Chunk[] writing = new Chunk[1];
        try {
            handshake(ch);
            phase = Phase.DATA;
            SecureBodies secure = keys == null ? null : SecureBodies.forSending(keys, jdkRc4);
            Pipeline<Chunk> pipeline = secure != null && pipelining && size >= Pipeline.MIN_SIZE
                    ? startPipeline(secure) : null;
            try {
                Chunk single = pipeline == null ? new Chunk() : null;
                Pace pace = new Pace(minRate, timeout);
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
                    writing[0] = chunk;
                    // stops at once on a CCL or failure BYE, also while the receiver is not reading
                    ch.writeWatchingInput(chunk.frames, count, timeout, pace, Phase.DATA);
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
                return completed(ch, new MsnftpResult(size, bye, dialect(), bye));
            }
            phase = Phase.BYE;
            long bye = size == 0 ? awaitByeForEmptyFile(ch) : awaitBye(ch, byeTimeout, Phase.BYE);
            if (bye == MsnftpResult.NO_BYE) {
                LOG.debug("Sent an empty file; the receiver said TFR and no BYE, as aMSN does: complete all the same");
                return completed(ch, new MsnftpResult(0, MsnftpResult.NO_BYE, dialect()));
            }
            if (secure != null) {
                phase = Phase.MAC;
                ch.write(ByteBuffer.wrap(SecureBodies.macLine(secure.finishMac())), deadline(byeTimeout), Phase.MAC);
                if (outcomeTimeout != null) {
                    phase = Phase.OUTCOME;
                    long ack = awaitAck(ch);
                    LOG.debug("Sent {} bytes ({}), receiver said BYE {} and delivered it: ACK {}", size, dialect(), bye, ack);
                    return completed(ch, new MsnftpResult(size, bye, dialect(), ack));
                }
            }
            LOG.debug("Sent {} bytes ({}), receiver said BYE {}", size, dialect(), bye);
            return completed(ch, new MsnftpResult(size, bye, dialect()));
        } catch (MsnftpException e) {
            if (phase == Phase.DATA && (e.kind() == Kind.CANCELLED || e.kind() == Kind.LOCAL_IO)) {
                abort(ch, writing[0]);
            }
            throw e.kind() == Kind.CONNECTION_LOST ? lastWords(ch, e) : e;
        } finally {
            ch.close();
        }
    }

    /**
     * We give up between blocks (cancelled, or the file could not be read): the rest of a block already begun, so that
     * the receiver still counts blocks right, then the abort block {@code 1 0 0} (SPEC 4). Best effort, for a few
     * seconds at most: a receiver that does not read any more does not get it.
     */
    private void abort(MsnftpChannel ch, Chunk chunk) {
        ByteBuffer[] rest = chunk == null ? new ByteBuffer[0] : chunk.restOfBlockBegun();
        ByteBuffer[] out = Arrays.copyOf(rest, rest.length + 1);
        out[rest.length] = ByteBuffer.wrap(Frames.ABORT_BLOCK);
        Duration wait = timeout.compareTo(ABORT_WAIT) < 0 ? timeout : ABORT_WAIT;
        if (!ch.writeBeforeClosing(out, deadline(wait))) {
            LOG.debug("The receiver did not take the abort block within {}", wait);
        }
    }

    /**
     * A receiver that ends the transfer with {@code CCL} or a failure {@code BYE} (out of disk) and closes at once
     * may reset the connection under a write of ours: what it said is then still in our input, and is the reason to
     * report, not the reset.
     */
    private static MsnftpException lastWords(MsnftpChannel ch, MsnftpException lost) {
        String line = ch.lastLine();
        if (line == null) {
            return lost;
        }
        MsnftpException said = Lines.unexpected(line, lost.phase(), "nothing before the end of the file");
        return said.kind() == Kind.CANCELLED_BY_PEER ? said : lost;
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

    /**
     * An empty file is complete as soon as the receiver said {@code TFR}: it has all 0 bytes. Receivers then say
     * {@code BYE} at once (SPEC 4), but aMSN never does. So the BYE is awaited only briefly: a success BYE is reported
     * as usual, a failure BYE or {@code CCL} is a failure; silence, or the receiver hanging up, is success without a
     * BYE code ({@link MsnftpResult#NO_BYE}).
     */
    private long awaitByeForEmptyFile(MsnftpChannel ch) throws MsnftpException {
        Duration wait = byeTimeout.compareTo(EMPTY_FILE_BYE_WAIT) < 0 ? byeTimeout : EMPTY_FILE_BYE_WAIT;
        try {
            return awaitBye(ch, wait, Phase.BYE);
        } catch (MsnftpException e) {
            if (e.kind() == Kind.TIMEOUT || e.kind() == Kind.CONNECTION_LOST) {
                return MsnftpResult.NO_BYE;
            }
            throw e;
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
            this.count = 0;
            data.clear().limit(length);
            readSource(data);
            data.flip();
        }

        /** How many of {@link #frames} the chunk's bytes use, once framed. */
        private int count;

        /**
         * What is left of the block the last write stopped in (its header and body, as views), or nothing when it
         * stopped between two blocks.
         */
        ByteBuffer[] restOfBlockBegun() {
            for (int i = 0; i < count; i += 2) {
                ByteBuffer header = frames[i];
                ByteBuffer body = frames[i + 1];
                if (header.hasRemaining() || body.hasRemaining()) {
                    return header.position() == 0 ? new ByteBuffer[0] : new ByteBuffer[] { header, body };
                }
            }
            return new ByteBuffer[0];
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
            count = 2 * blocks;
            return count;
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
    public static final class Builder extends MsnftpSession.Builder<Builder> {
        private String peerUser;
        private ReadableByteChannel source;
        private long size;
        private Duration authenticationTimeout;

        private Duration outcomeTimeout;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The invitee's address: the user the receiver must present in USR ({@code sip:} optional). A bare user (no
         * {@code @}) is compared with the user part of USR only.
         */
        public Builder peerUser(String peerUser) {
            this.peerUser = peerUser;
            return this;
        }

        /** The file: exactly {@code size} bytes are read from {@code source}. */
        public Builder source(ReadableByteChannel source, long size) {
            this.source = source;
            this.size = size;
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

        /**
         * Wait, at most {@code outcomeTimeout}, for the receiver to say whether it delivered the file (it said it would,
         * SPEC 5 acknowledge=afterRoute): its held BYE in the plain dialect, its ACK line after the MAC in the
         * encrypted one. A failure code fails the session with {@link Kind#CANCELLED_BY_PEER} and that code.
         */
        public Builder awaitOutcome(Duration outcomeTimeout) {
            this.outcomeTimeout = Objects.requireNonNull(outcomeTimeout);
            return this;
        }

        public MsnftpSender build() {
            return new MsnftpSender(this);
        }
    }
}
