package dev.camelmsnftp.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;

/**
 * The TCP connection of one session: a non-blocking {@link SocketChannel} with its own {@link Selector}, so that
 * every read and write waits at most until a deadline, and {@link #cancel()} from another thread wakes it at once.
 * Incoming bytes collect in one direct buffer from which both lines and data blocks are taken.
 */
final class MsnftpChannel implements Closeable {

    /** Longest line we accept, without its line end (SPEC 4). */
    static final int MAX_LINE = 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    /** Unread input between position and limit (read mode). */
    private final ByteBuffer in;
    private volatile boolean cancelled;

    MsnftpChannel(SocketChannel channel, int inputBufferSize) throws IOException {
        this.channel = channel;
        // the buffer first: an OutOfMemoryError (direct memory) then leaves no selector behind
        this.in = ByteBuffer.allocateDirect(inputBufferSize).flip();
        channel.configureBlocking(false);
        Selector opened = Selector.open();
        try {
            this.key = channel.register(opened, 0);
        } catch (Throwable e) {
            opened.close();
            throw e;
        }
        this.selector = opened;
    }

    static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /** The unread input; callers consume from its position and must not change its limit. */
    ByteBuffer input() {
        return in;
    }

    /**
     * Reads more input, waiting until {@code deadline} for at least one byte. Unread input is kept (moved to the start
     * of the buffer), so slices of the buffer taken before are no longer valid.
     */
    void fill(long deadline, Phase phase) throws MsnftpException {
        in.compact();
        try {
            if (!in.hasRemaining()) {
                throw new IllegalStateException("input buffer full");
            }
            while (true) {
                checkCancelled(phase);
                int n = read(phase);
                if (n > 0) {
                    return;
                }
                if (n < 0) {
                    throw new MsnftpException(Kind.CONNECTION_LOST, phase, "The peer closed the connection");
                }
                await(SelectionKey.OP_READ, deadline, phase);
            }
        } finally {
            in.flip();
        }
    }

    /** Reads input already sent without waiting; returns whether any came. Throws on EOF. */
    boolean fillNow(Phase phase) throws MsnftpException {
        in.compact();
        try {
            int n = in.hasRemaining() ? read(phase) : 0;
            if (n < 0) {
                throw new MsnftpException(Kind.CONNECTION_LOST, phase, "The peer closed the connection");
            }
            return n > 0;
        } finally {
            in.flip();
        }
    }

    private int read(Phase phase) throws MsnftpException {
        try {
            return channel.read(in);
        } catch (IOException e) {
            throw lost(phase, e);
        }
    }

    private static MsnftpException lost(Phase phase, IOException e) {
        return new MsnftpException(Kind.CONNECTION_LOST, phase, "Connection failed: " + e.getMessage(), e);
    }

    /** The next non-empty line, waiting until {@code deadline}. */
    String readLine(long deadline, Phase phase) throws MsnftpException {
        String line;
        while ((line = bufferedLine(phase)) == null) {
            fill(deadline, phase);
        }
        return line;
    }

    /** The next non-empty line if one has fully arrived, else {@code null}; never waits. */
    String pollLine(Phase phase) throws MsnftpException {
        String line = bufferedLine(phase);
        if (line == null && fillNow(phase)) {
            line = bufferedLine(phase);
        }
        return line;
    }

    /**
     * After the connection failed: the first complete line among what was already received (read without waiting, up
     * to the end of the input or the error), or {@code null}.
     */
    String lastLine() {
        try {
            String line = bufferedLine(Phase.DATA);
            while (line == null && fillNow(Phase.DATA)) {
                line = bufferedLine(Phase.DATA);
            }
            return line;
        } catch (MsnftpException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Takes the next non-empty line from the buffer: it ends at LF, a CR before it is dropped, empty lines are
     * skipped (aMSN writes {@code CCL\n\n}).
     */
    private String bufferedLine(Phase phase) throws MsnftpException {
        while (true) {
            int start = in.position();
            int end = -1;
            for (int i = start; i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                if (in.remaining() > MAX_LINE) {
                    throw new MsnftpException(Kind.PROTOCOL_ERROR, phase, "Line longer than " + MAX_LINE + " bytes");
                }
                return null;
            }
            int length = end - start;
            if (length > 0 && in.get(end - 1) == '\r') {
                length--;
            }
            if (length > MAX_LINE) {
                throw new MsnftpException(Kind.PROTOCOL_ERROR, phase, "Line longer than " + MAX_LINE + " bytes");
            }
            byte[] bytes = new byte[length];
            in.get(start, bytes);
            in.position(end + 1);
            if (length > 0) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }

    /** Writes one line with CRLF. */
    void writeLine(String line, long deadline, Phase phase) throws MsnftpException {
        write(ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8)), deadline, phase);
    }

    void write(ByteBuffer buffer, long deadline, Phase phase) throws MsnftpException {
        while (buffer.hasRemaining()) {
            checkCancelled(phase);
            if (write(buffer, phase) == 0) {
                await(SelectionKey.OP_WRITE, deadline, phase);
            }
        }
    }

    /**
     * Writes every buffer fully with gathering writes; the peer may be silent (not reading) for at most
     * {@code silence} at a time.
     */
    void write(ByteBuffer[] buffers, int count, Duration silence, Phase phase) throws MsnftpException {
        int first = 0;
        long deadline = deadline(silence);
        while (first < count) {
            checkCancelled(phase);
            long written;
            try {
                written = channel.write(buffers, first, count - first);
            } catch (IOException e) {
                throw lost(phase, e);
            }
            if (written > 0) {
                deadline = deadline(silence);
            } else {
                await(SelectionKey.OP_WRITE, deadline, phase);
            }
            while (first < count && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    /**
     * As {@link #write(ByteBuffer[], int, Duration, Phase)}, no slower than {@code pace} allows (the bytes written count
     * towards it), and watching the input while the buffers are not all
     * written: after every write to the socket that left some, and at once while waiting for the peer to read, a line
     * from it ends the write (a {@code CCL} or failure {@code BYE} as {@link Kind#CANCELLED_BY_PEER}, anything else as
     * {@link Kind#PROTOCOL_ERROR}), and so does its end of the connection. (Once all is written the caller looks
     * itself: after the last bytes of a file a success BYE is what it waits for.)
     */
    void writeWatchingInput(ByteBuffer[] buffers, int count, Duration silence, Pace pace, Phase phase)
            throws MsnftpException {
        int first = 0;
        long deadline = deadline(silence);
        while (first < count) {
            checkCancelled(phase);
            pace.check(phase);
            long written;
            try {
                written = channel.write(buffers, first, count - first);
            } catch (IOException e) {
                throw lost(phase, e);
            }
            pace.add(written);
            while (first < count && !buffers[first].hasRemaining()) {
                first++;
            }
            if (first == count) {
                return;
            }
            String line = pollLine(phase);
            if (line != null) {
                throw Lines.unexpected(line, phase, "nothing before the end of the file");
            }
            if (written > 0) {
                deadline = deadline(silence);
            } else {
                try {
                    await(SelectionKey.OP_WRITE | SelectionKey.OP_READ, pace.deadline(deadline), phase);
                } catch (MsnftpException e) {
                    if (e.kind() != Kind.TIMEOUT || System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                    // a window of the minimum rate ended before the silence time-out: checked above, then wait on
                }
            }
        }
    }

    /**
     * Writes the buffers fully for a goodbye on a failing path (the abort block), whether or not the session was
     * cancelled, waiting for the peer to read until {@code deadline}; returns whether all of it went.
     */
    boolean writeBeforeClosing(ByteBuffer[] buffers, long deadline) {
        try {
            int first = 0;
            while (first < buffers.length) {
                if (channel.write(buffers, first, buffers.length - first) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, Phase.DATA);
                }
                while (first < buffers.length && !buffers[first].hasRemaining()) {
                    first++;
                }
            }
            return true;
        } catch (IOException | MsnftpException | RuntimeException e) {
            return false;
        }
    }

    private int write(ByteBuffer buffer, Phase phase) throws MsnftpException {
        try {
            return channel.write(buffer);
        } catch (IOException e) {
            throw lost(phase, e);
        }
    }

    /** Best effort, for goodbyes on a failing path: whatever the socket takes now, never waiting. */
    void writeNow(byte[] bytes) {
        try {
            channel.write(ByteBuffer.wrap(bytes));
        } catch (IOException | RuntimeException ignored) {
            // the connection is being given up anyway
        }
    }

    private void await(int operation, long deadline, Phase phase) throws MsnftpException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new MsnftpException(Kind.TIMEOUT, phase,
                    "The peer did not " + (operation == SelectionKey.OP_READ ? "send anything" : "read") + " in time");
        }
        key.interestOps(operation);
        try {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        } catch (ClosedSelectorException e) {
            checkCancelled(phase);
            throw e;
        } catch (IOException e) {
            throw lost(phase, e);
        }
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    private void checkCancelled(Phase phase) throws MsnftpException {
        if (cancelled) {
            throw new MsnftpException(Kind.CANCELLED, phase, "Cancelled");
        }
    }

    /**
     * After the session's last line: waits until {@code deadline} for the peer to close its end of the connection,
     * discarding whatever it still sends. Returns whether it did (or reset the connection); never throws.
     */
    boolean awaitPeerClose(long deadline) {
        in.clear();
        try {
            while (!cancelled) {
                int n = channel.read(in);
                if (n < 0) {
                    return true;
                }
                if (n > 0) {
                    in.clear();
                } else {
                    await(SelectionKey.OP_READ, deadline, Phase.BYE);
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        } catch (MsnftpException | RuntimeException e) {
            return false;
        } finally {
            in.clear().flip();
        }
    }

    /** Makes the session's current or next wait end with {@link Kind#CANCELLED}; safe from any thread. */
    void cancel() {
        cancelled = true;
        selector.wakeup();
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
