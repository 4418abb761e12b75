package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.io.InputStream;

/** Reads what an MSNFTP sender wrote, block by block, as a receiver on the other end of the wire would. */
public final class SentBlocks {

    /** What the sender wrote until it closed, when it ended with the abort block as SPEC 4 says. */
    public static final String ABORTED = "full data blocks, then the abort block 1 0 0, then the end";

    private SentBlocks() {
    }

    /**
     * Reads data blocks until the sender closes and says how the stream ended: {@link #ABORTED} when every data block
     * carried 2045 bytes and the abort block {@code 1 0 0} came last, followed by nothing; otherwise what came instead.
     */
    public static String untilTheEnd(InputStream in) throws IOException {
        int blocks = 0;
        while (true) {
            byte[] header = in.readNBytes(3);
            if (header.length == 0) {
                return "the stream ended after " + blocks + " data blocks, without an abort block";
            }
            if (header.length < 3) {
                return "the stream ended inside a block header after " + blocks + " data blocks";
            }
            int length = (header[1] & 0xff) | (header[2] & 0xff) << 8;
            if (header[0] == 1 && length == 0) {
                int after = in.readAllBytes().length;
                return after == 0 ? ABORTED : "the abort block after " + blocks + " data blocks, then " + after + " bytes";
            }
            if (header[0] != 0) {
                return "a block with flag " + header[0] + " after " + blocks + " data blocks";
            }
            if (length != 2045) {
                return "a data block of " + length + " bytes after " + blocks + " data blocks";
            }
            if (in.readNBytes(length).length < length) {
                return "the stream ended inside data block " + (blocks + 1);
            }
            blocks++;
        }
    }
}
