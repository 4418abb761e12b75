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
    /** The sender's abort block. */
    static final byte[] ABORT_BLOCK = { FLAG_ABORT, 0, 0 };
    /** A USR line this long or longer (with CRLF) overflows pidgin-sipe's 50-byte line buffer. */
    static final int SIPE_LINE_LIMIT = 49;

    private Frames() {
    }
}
