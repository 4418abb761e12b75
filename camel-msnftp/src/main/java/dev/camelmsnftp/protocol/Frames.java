package dev.camelmsnftp.protocol;

/** Sizes of the MSNFTP framing (SPEC 4). */
final class Frames {

    /** Body bytes of every block but the last: aMSN's receiver depends on it. */
    static final int BLOCK_BODY = 2045;
    /** {@code flag, len & 0xff, len >> 8}. */
    static final int HEADER = 3;
    static final int FLAG_DATA = 0;
    static final int FLAG_ABORT = 1;
    /** Blocks moved per system call: about 64 KiB. */
    static final int BLOCKS_PER_CHUNK = 32;
    static final int CHUNK_BODY = BLOCKS_PER_CHUNK * BLOCK_BODY;
    /** Input buffer: a chunk of framed blocks plus room for a line. */
    static final int INPUT_BUFFER = BLOCKS_PER_CHUNK * (BLOCK_BODY + HEADER) + 2 * MsnftpChannel.MAX_LINE;
    /** The sender's input: lines only ({@code VER}, {@code USR}, {@code TFR}, {@code BYE}, {@code CCL}). */
    static final int LINE_INPUT_BUFFER = 2 * MsnftpChannel.MAX_LINE + 64;

    /**
     * The receiver's input for a file of {@code size} bytes: a whole chunk of blocks and a line, or less when the file
     * with its block headers is smaller (a small file needs no 64 KiB of direct memory per transfer).
     */
    static int inputBuffer(long size) {
        long framed = size + HEADER * ((size + BLOCK_BODY - 1) / BLOCK_BODY);
        return (int) Math.min(INPUT_BUFFER, framed + 2 * MsnftpChannel.MAX_LINE);
    }

    /** The sender's chunk for a file of {@code size} bytes: up to {@link #CHUNK_BODY}, less for a smaller file. */
    static int chunkBody(long size) {
        return (int) Math.max(1, Math.min(CHUNK_BODY, size));
    }

    /** The sender's abort block. */
    static final byte[] ABORT_BLOCK = { FLAG_ABORT, 0, 0 };
    /** A USR line this long or longer (with CRLF) overflows pidgin-sipe's 50-byte line buffer. */
    static final int SIPE_LINE_LIMIT = 49;

    private Frames() {
    }
}
