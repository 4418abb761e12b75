package dev.camelmsnftp.transfer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * What an outbound transfer sends: the name to offer, the exact size (known before the INVITE, as
 * {@code Application-FileSize} needs it) and a way to open the bytes. Opened once, when the peer asked for the file.
 */
public interface FileSource {

    /** The file name offered in {@code Application-File}. */
    String name();

    /** The exact number of bytes {@link #open()} delivers. */
    long size();

    /** Opens the bytes; the caller closes the channel. A {@link FileChannel} lets the sender read in large chunks. */
    ReadableByteChannel open() throws IOException;

    /** A file on disk; its size is read now. */
    static FileSource of(Path file, String name) throws IOException {
        Objects.requireNonNull(file, "file");
        return new Source(name, Files.size(file), () -> FileChannel.open(file, StandardOpenOption.READ), " from " + file);
    }

    /** Bytes in memory, read as they are when the peer asks for them (not copied: do not change them meanwhile). */
    static FileSource of(byte[] bytes, String name) {
        return of(name, bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    /** A stream of a size known in advance, opened by {@code opener} (called at most once). */
    static FileSource of(String name, long size, StreamOpener opener) {
        Objects.requireNonNull(opener, "opener");
        if (size < 0) {
            throw new IllegalArgumentException("size must be known and >= 0: " + size);
        }
        return new Source(name, size, () -> Channels.newChannel(opener.open()), "");
    }

    /** The one implementation: a name, a size and how to open the bytes. */
    record Source(String name, long size, ChannelOpener opener, String origin) implements FileSource {

        @Override
        public ReadableByteChannel open() throws IOException {
            return opener.open();
        }

        @Override
        public String toString() {
            return name + " (" + size + " bytes" + origin + ")";
        }
    }

    /** Opens a channel. */
    @FunctionalInterface
    interface ChannelOpener {
        ReadableByteChannel open() throws IOException;
    }

    /** Opens an input stream. */
    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }
}
