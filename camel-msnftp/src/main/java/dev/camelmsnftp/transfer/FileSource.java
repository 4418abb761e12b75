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
        long size = Files.size(file);
        return new FileSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public ReadableByteChannel open() throws IOException {
                return FileChannel.open(file, StandardOpenOption.READ);
            }

            @Override
            public String toString() {
                return name + " (" + size + " bytes from " + file + ")";
            }
        };
    }

    /** Bytes in memory. */
    static FileSource of(byte[] bytes, String name) {
        byte[] data = bytes.clone();
        return of(name, data.length, () -> new ByteArrayInputStream(data));
    }

    /** A stream of a size known in advance, opened by {@code opener} (called at most once). */
    static FileSource of(String name, long size, StreamOpener opener) {
        Objects.requireNonNull(opener, "opener");
        if (size < 0) {
            throw new IllegalArgumentException("size must be known and >= 0: " + size);
        }
        return new FileSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public ReadableByteChannel open() throws IOException {
                return Channels.newChannel(opener.open());
            }

            @Override
            public String toString() {
                return name + " (" + size + " bytes)";
            }
        };
    }

    /** Opens an input stream. */
    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }
}
