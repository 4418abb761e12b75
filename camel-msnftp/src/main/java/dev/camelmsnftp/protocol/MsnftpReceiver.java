package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.camelmsnftp.protocol.MsnftpChannel.deadline;

/**
 * The receiver role of an MSNFTP session (SPEC 4), over a connected socket whichever side connected: speaks first
 * ({@code VER}, then {@code USR} with our user and the AuthCookie), checks {@code FIL} against the offered size,
 * sends {@code TFR}, reads blocks into the sink until it has every byte, sends {@code BYE 16777989}. With keys it
 * speaks {@code MSN_SECURE_FTP}, decrypts, and checks the sender's MAC line; a wrong or missing MAC fails the
 * transfer although BYE already said success.
 * <p>
 * Anything after the last byte of the file is ignored, but for the MAC line: bytes before {@code MAC} on its line
 * (such as the {@code 1 0 0} block some senders add) are skipped. If the sink fails (disk full, not writable) the
 * sender is told with {@code BYE 2147942405}. One instance runs once; {@link #cancel()} may be called from any thread
 * and sends {@code CCL}. The sink is not closed here; the socket always is.
 */
public final class MsnftpReceiver extends MsnftpSession {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpReceiver.class);
    /** What the receiver's pipeline hands over at a time: 64 whole blocks. */
    private static final int PIPELINE_UNIT = 2 * Frames.CHUNK_BODY;

    private final String localUser;
    private final WritableByteChannel sink;
    private final long size;
    private final DeliveryOutcome outcome;

    private MsnftpReceiver(Builder b) {
        super(b);
        this.localUser = MsnftpSender.withoutSipScheme(Objects.requireNonNull(b.localUser, "localUser"));
        this.sink = Objects.requireNonNull(b.sink, "sink");
        this.size = b.size;
        this.outcome = b.outcome;
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc} The sink may hold part of the file after a failure.
     */
    @Override
    public MsnftpResult run(SocketChannel socket) throws MsnftpException {
        MsnftpChannel ch = open(socket, Frames.inputBuffer(size));
        Phase phase = Phase.HANDSHAKE;
        try {
            handshake(ch);
            phase = Phase.DATA;
            SecureBodies secure = keys == null ? null : SecureBodies.forReceiving(keys, jdkRc4);
            Pipeline<ByteBuffer> pipeline = secure != null && pipelining && size >= Pipeline.MIN_SIZE
                    ? startPipeline(ch, secure) : null;
            if (pipeline == null) {
                receiveBlocks(ch, secure);
            } else {
                try {
                    receivePipelined(ch, secure, pipeline);
                } catch (MsnftpException e) {
                    if (e.kind() == Kind.LOCAL_IO && e.byeCode().isPresent()) {
                        tellOutOfDisk(ch);
                    }
                    throw e;
                } finally {
                    pipeline.close();
                }
            }
            if (outcome != null && secure == null) {
                // plain dialect: the BYE waits for the delivery and carries its outcome
                phase = Phase.OUTCOME;
                long code = deliver();
                ch.writeLine("BYE " + code, deadline(byeTimeout), Phase.OUTCOME);
                LOG.debug("Received {} bytes ({}), told the sender BYE {}", size, dialect(), code);
                return completed(ch, new MsnftpResult(size, code, dialect(), code));
            }
            phase = Phase.BYE;
            // the success BYE tells the sender the file is delivered (it reports success from then on): a cancel after
            // this point must not discard the file, so the encrypted dialect still waits for the MAC (byeTimeout)
            settle();
            ch.writeLine("BYE " + ByeCodes.SUCCESS, deadline(byeTimeout), Phase.BYE);
            if (secure != null) {
                phase = Phase.MAC;
                checkMac(ch, secure.finishMac());
                if (outcome != null) {
                    // encrypted dialect: the BYE came before the MAC; an ACK line after it carries the outcome
                    phase = Phase.OUTCOME;
                    long code = deliver();
                    ch.writeLine("ACK " + code, deadline(byeTimeout), Phase.OUTCOME);
                    LOG.debug("Received {} bytes ({}), told the sender ACK {}", size, dialect(), code);
                    return completed(ch, new MsnftpResult(size, ByeCodes.SUCCESS, dialect(), code));
                }
            }
            LOG.debug("Received {} bytes ({})", size, dialect());
            return completed(ch, new MsnftpResult(size, ByeCodes.SUCCESS, dialect()));
        } catch (MsnftpException e) {
            if (e.kind() == Kind.CANCELLED && phase != Phase.MAC && phase != Phase.OUTCOME) {
                ch.writeNow("CCL\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            throw e;
        } finally {
            ch.close();
        }
    }

    private void handshake(MsnftpChannel ch) throws MsnftpException {
        long deadline = deadline(timeout);
        ch.writeLine(Versions.line(dialect()), deadline, Phase.HANDSHAKE);
        String ver = ch.readLine(deadline, Phase.HANDSHAKE);
        if (!Versions.offers(ver, dialect())) {
            throw new MsnftpException(Kind.VERSION_MISMATCH, Phase.HANDSHAKE,
                    "The sender answered " + Lines.quote(ver) + " to VER " + dialect());
        }
        String usr = "USR " + localUser + " " + authCookie;
        if (usr.getBytes(StandardCharsets.UTF_8).length + 2 >= Frames.SIPE_LINE_LIMIT) {
            LOG.warn("The USR line for {} is {} bytes with CRLF: pidgin-sipe reads lines into 50 bytes and may reset"
                     + " the connection", localUser, usr.length() + 2);
        }
        ch.writeLine(usr, deadline, Phase.HANDSHAKE);
        String fil;
        try {
            fil = ch.readLine(deadline(timeout), Phase.HANDSHAKE);
        } catch (MsnftpException e) {
            if (e.kind() == Kind.CONNECTION_LOST) {
                throw new MsnftpException(Kind.AUTHENTICATION_FAILED, Phase.HANDSHAKE,
                        "The sender closed the connection after our USR line, as senders do when the user or"
                        + " AuthCookie does not match",
                        e);
            }
            throw e;
        }
        String[] words = Lines.words(fil);
        if (!Lines.is(fil, "FIL") || words.length != 2 || Lines.number(words[1]) < 0) {
            throw Lines.unexpected(fil, Phase.HANDSHAKE, "FIL <size>");
        }
        if (Lines.number(words[1]) != size) {
            ch.writeNow("CCL\r\n".getBytes(StandardCharsets.US_ASCII));
            throw new MsnftpException(Kind.PROTOCOL_ERROR, Phase.HANDSHAKE,
                    "The sender announced FIL " + words[1] + " but offered " + size + " bytes");
        }
        ch.writeLine("TFR", deadline(timeout), Phase.HANDSHAKE);
    }

    /**
     * Reads blocks until {@code size} body bytes arrived. Every chunk of input is parsed into as many whole blocks as
     * it holds, whose bodies (decrypted in place) go to the sink in one gathering write. Empty data blocks are refused:
     * no client sends them, and they would let a sender keep a transfer alive forever.
     */
    private void receiveBlocks(MsnftpChannel ch, SecureBodies secure) throws MsnftpException {
        ByteBuffer in = ch.input();
        // as many bodies as the input buffer can hold blocks (each at least a header and one byte): for a small file a
        // few entries, not the 22 000 (90 KB to clear, per file) that the largest input buffer would need
        ByteBuffer[] bodies = new ByteBuffer[in.capacity() / (Frames.HEADER + 1) + 1];
        Pace pace = new Pace(minRate, timeout);
        long received = 0;
        while (received < size) {
            int count = 0;
            long pending = 0;
            while (received + pending < size && in.remaining() >= Frames.HEADER) {
                int at = in.position();
                int length = blockLength(ch, in, received + pending);
                if (in.remaining() < Frames.HEADER + length) {
                    break;
                }
                ByteBuffer body = in.slice(at + Frames.HEADER, length);
                if (secure != null) {
                    secure.open(body);
                }
                bodies[count++] = body;
                pending += length;
                in.position(at + Frames.HEADER + length);
            }
            write(ch, bodies, count);
            received += pending;
            pace.add(pending);
            if (pending > 0) {
                progress.onProgress(received, size);
            }
            if (received < size) {
                fill(ch, pace);
            }
        }
    }

    /** Waits for more data: no longer than the silence time-out, and no slower than the minimum rate. */
    private void fill(MsnftpChannel ch, Pace pace) throws MsnftpException {
        long silence = deadline(timeout);
        while (true) {
            pace.check(Phase.DATA);
            try {
                ch.fill(pace.deadline(silence), Phase.DATA);
                return;
            } catch (MsnftpException e) {
                if (e.kind() != Kind.TIMEOUT || System.nanoTime() - silence >= 0) {
                    throw e;
                }
                // a window of the minimum rate ended before the silence time-out: check it, then wait on
            }
        }
    }

    /**
     * A second thread MACs the decrypted bytes and writes them to the sink while this one reads and decrypts the next;
     * null when no thread is free. A sink failure there ends the transfer here with {@code BYE 2147942405}.
     */
    private Pipeline<ByteBuffer> startPipeline(MsnftpChannel ch, SecureBodies secure) {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < Pipeline.DEPTH; i++) {
            buffers.add(ByteBuffer.allocateDirect(PIPELINE_UNIT));
        }
        ByteBuffer[] one = new ByteBuffer[1];
        return Pipeline.start(List.of(), buffers, plain -> {
            secure.mac(plain);
            one[0] = plain;
            writeToSink(one, 1);
            return true;
        });
    }

    /**
     * {@link #receiveBlocks} on two threads: the same checks of every block, each body decrypted from the input
     * buffer into the current unit, full units handed to the worker. Before BYE, everything is written.
     */
    private void receivePipelined(MsnftpChannel ch, SecureBodies secure, Pipeline<ByteBuffer> pipeline)
            throws MsnftpException {
        Pipeline.Check cancelled = () -> {
            if (ch.isCancelled()) {
                throw new MsnftpException(Kind.CANCELLED, Phase.DATA, "Cancelled");
            }
        };
        ByteBuffer in = ch.input();
        ByteBuffer unit = pipeline.take(cancelled).clear();
        Pace pace = new Pace(minRate, timeout);
        long received = 0;
        while (received < size) {
            long before = received;
            while (received < size && in.remaining() >= Frames.HEADER) {
                int at = in.position();
                int length = blockLength(ch, in, received);
                if (in.remaining() < Frames.HEADER + length) {
                    break;
                }
                if (unit.remaining() < length) {
                    pipeline.give(unit.flip());
                    unit = pipeline.take(cancelled).clear();
                }
                secure.crypt(in.slice(at + Frames.HEADER, length), unit);
                received += length;
                in.position(at + Frames.HEADER + length);
            }
            if (received > before) {
                pace.add(received - before);
                progress.onProgress(received, size);
            }
            if (received < size) {
                fill(ch, pace);
            }
        }
        pipeline.give(unit.flip());
        pipeline.drain(cancelled);
    }

    /** Checks the header of the block at the input's position (whole or not) and returns its body length. */
    private int blockLength(MsnftpChannel ch, ByteBuffer in, long received) throws MsnftpException {
        int at = in.position();
        int flag = in.get(at) & 0xff;
        int length = (in.get(at + 1) & 0xff) | (in.get(at + 2) & 0xff) << 8;
        if (flag != Frames.FLAG_DATA) {
            throw badBlock(ch, flag, received);
        }
        if (length == 0 || length > Frames.BLOCK_BODY) {
            throw new MsnftpException(Kind.PROTOCOL_ERROR, Phase.DATA,
                    "Data block of " + length + " bytes; 1 to " + Frames.BLOCK_BODY + " are allowed");
        }
        if (received + length > size) {
            throw new MsnftpException(Kind.PROTOCOL_ERROR, Phase.DATA,
                    "The sender sent more than the " + size + " bytes announced");
        }
        return length;
    }

    /**
     * A block whose flag is not 0: the sender's abort, its BYE instead of a block, or garbage. Bodies parsed before it
     * are dropped: the transfer has failed.
     */
    private MsnftpException badBlock(MsnftpChannel ch, int flag, long received) throws MsnftpException {
        if (flag == Frames.FLAG_ABORT) {
            return new MsnftpException(Kind.CANCELLED_BY_PEER, Phase.DATA,
                    "The sender aborted after " + received + " of " + size + " bytes");
        }
        if (flag == 'B' || flag == 'C') {
            String line = ch.readLine(deadline(timeout), Phase.DATA);
            return Lines.unexpected(line, Phase.DATA, "a data block");
        }
        return new MsnftpException(Kind.PROTOCOL_ERROR, Phase.DATA, "Block flag " + flag + " is neither 0 nor 1");
    }

    private void write(MsnftpChannel ch, ByteBuffer[] bodies, int count) throws MsnftpException {
        try {
            writeToSink(bodies, count);
        } catch (MsnftpException e) {
            tellOutOfDisk(ch);
            throw e;
        }
    }

    /** Writes every buffer fully to the sink; a failure is {@link Kind#LOCAL_IO} with {@link ByeCodes#OUT_OF_DISK}. */
    private void writeToSink(ByteBuffer[] bodies, int count) throws MsnftpException {
        if (count == 0) {
            return;
        }
        try {
            if (sink instanceof GatheringByteChannel gathering) {
                int first = 0;
                while (first < count) {
                    gathering.write(bodies, first, count - first);
                    while (first < count && !bodies[first].hasRemaining()) {
                        first++;
                    }
                }
            } else {
                for (int i = 0; i < count; i++) {
                    while (bodies[i].hasRemaining()) {
                        sink.write(bodies[i]);
                    }
                }
            }
        } catch (IOException e) {
            throw new MsnftpException(Kind.LOCAL_IO, Phase.DATA,
                    "Cannot write the received file (told the sender BYE " + ByeCodes.OUT_OF_DISK + "): " + e.getMessage(),
                    ByeCodes.OUT_OF_DISK, e);
        }
    }

    /** Delivers the complete file through the {@link DeliveryOutcome}; from now on a cancel no longer cuts the session. */
    private long deliver() {
        settle();
        try {
            return outcome.deliver();
        } catch (RuntimeException e) {
            LOG.warn("Delivering the received file failed: {}", e.toString());
            return ByeCodes.NOT_DELIVERED;
        }
    }

    private static void tellOutOfDisk(MsnftpChannel ch) {
        ch.writeNow(("BYE " + ByeCodes.OUT_OF_DISK + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads lines until one has {@code MAC <base64>}; compares it with ours in constant time. */
    private void checkMac(MsnftpChannel ch, byte[] expected) throws MsnftpException {
        long deadline = deadline(byeTimeout);
        String line;
        int at;
        try {
            do {
                line = ch.readLine(deadline, Phase.MAC);
                at = line.indexOf("MAC ");
            } while (at < 0);
        } catch (MsnftpException e) {
            if (e.kind() == Kind.CONNECTION_LOST) {
                throw new MsnftpException(Kind.MAC_MISMATCH, Phase.MAC,
                        "The sender closed the connection without sending the MAC", e);
            }
            throw e;
        }
        String encoded = line.substring(at + 4).split("[\\s\\x00]", 2)[0];
        byte[] mac;
        try {
            mac = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new MsnftpException(Kind.MAC_MISMATCH, Phase.MAC, "The MAC line is not base64");
        }
        if (!MessageDigest.isEqual(mac, expected)) {
            throw new MsnftpException(Kind.MAC_MISMATCH, Phase.MAC,
                    "The MAC does not match the received bytes: the file was altered or the keys differ");
        }
    }

    /** Configures a {@link MsnftpReceiver}. */
    public static final class Builder extends MsnftpSession.Builder<Builder> {
        private String localUser;
        private WritableByteChannel sink;
        private long size;

        private DeliveryOutcome outcome;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Our own SIP address ({@code sip:} optional), sent in USR. */
        public Builder localUser(String localUser) {
            this.localUser = localUser;
            return this;
        }

        /** Where the file goes, and its size as offered in the INVITE ({@code FIL} must say the same). */
        public Builder sink(WritableByteChannel sink, long size) {
            this.sink = sink;
            this.size = size;
            return this;
        }

        /**
         * Report the delivery outcome to a sender that waits for it: once the file is complete, {@code outcome}
         * delivers it while the connection is held; its code goes in the BYE (plain) or in an ACK line after the MAC
         * (encrypted). A cancel after that point no longer cuts the session.
         */
        public Builder outcome(DeliveryOutcome outcome) {
            this.outcome = outcome;
            return this;
        }

        public MsnftpReceiver build() {
            return new MsnftpReceiver(this);
        }
    }
}
