package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the work directories can still take: their usable space, less a reserve, less what the transfers accepted into
 * them still have to write. A file that does not fit is refused before its ACCEPT, so that no byte of it crosses the
 * network only to fail on a full disk.
 */
final class DiskSpace {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);
    /**
     * The file store of each directory asked about: finding it reads the whole mount table (tens of microseconds, twice
     * per offer), its usable space is one {@code statvfs}. Few entries (one per work directory); forgotten when asking
     * it fails.
     */
    private static final Map<Path, FileStore> STORES = new ConcurrentHashMap<>();
    private static final int MAX_STORES = 256;

    /** Bytes still to be written by accepted transfers, per work directory; guarded by {@code this}. */
    private final Map<Path, Long> committed = new HashMap<>();
    private volatile ToLongFunction<Path> probe = DiskSpace::usableSpace;

    /** Replaces the usable-space probe: for a unit test that cannot fill a disk. */
    void probe(ToLongFunction<Path> usableSpace) {
        this.probe = usableSpace;
    }

    /** Why {@code size} bytes do not fit in {@code dir} now, or empty when they do. Reserves nothing. */
    Optional<String> check(Path dir, long reserve, long size) {
        long usable = probe.applyAsLong(dir);
        synchronized (this) {
            return shortage(usable, reserve, committed.getOrDefault(key(dir), 0L), size);
        }
    }

    /**
     * Reserves {@code size} bytes of {@code dir} for a transfer when they fit; the reservation shrinks as the bytes are
     * written and is released when closed.
     *
     * @return the reservation, or the reason it does not fit
     */
    Reservation reserve(Path dir, long reserve, long size) throws NoRoomException {
        long usable = probe.applyAsLong(dir);
        Path key = key(dir);
        synchronized (this) {
            long inFlight = committed.getOrDefault(key, 0L);
            Optional<String> shortage = shortage(usable, reserve, inFlight, size);
            if (shortage.isPresent()) {
                throw new NoRoomException(shortage.get());
            }
            committed.put(key, inFlight + size);
        }
        return new Reservation(key, size);
    }

    /** Bytes still committed to transfers in {@code dir}. */
    synchronized long committed(Path dir) {
        return committed.getOrDefault(key(dir), 0L);
    }

    private static Optional<String> shortage(long usable, long reserve, long inFlight, long size) {
        long room = usable - reserve - inFlight;
        if (size <= room) {
            return Optional.empty();
        }
        return Optional.of(size + " bytes do not fit: the work directory has " + usable + " bytes usable, less the "
                           + reserve + " bytes kept free (freeSpaceReserve)"
                           + (inFlight > 0 ? " and " + inFlight + " bytes still to come for transfers under way" : ""));
    }

    private synchronized void release(Path key, long bytes) {
        long left = committed.getOrDefault(key, 0L) - bytes;
        if (left <= 0) {
            committed.remove(key);
        } else {
            committed.put(key, left);
        }
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * The usable space of the file system {@code dir} is on (of its nearest existing ancestor while it does not exist
     * yet). When it cannot be told, nothing is refused for lack of space: writing will say what is wrong.
     */
    static long usableSpace(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Long.MAX_VALUE;
        }
        FileStore known = STORES.get(existing);
        if (known != null) {
            try {
                return known.getUsableSpace();
            } catch (IOException | SecurityException e) {
                STORES.remove(existing, known);
            }
        }
        try {
            FileStore store = Files.getFileStore(existing);
            long usable = store.getUsableSpace();
            if (STORES.size() >= MAX_STORES) {
                STORES.clear();
            }
            STORES.put(existing, store);
            return usable;
        } catch (IOException | SecurityException e) {
            LOG.debug("Cannot tell the usable space of {}: {}", existing, e.getMessage());
            return Long.MAX_VALUE;
        }
    }

    /** A file does not fit. */
    static final class NoRoomException extends Exception {
        private static final long serialVersionUID = 1L;

        NoRoomException(String message) {
            super(message, null, false, false);
        }
    }

    /** Space held for one transfer: what it has not written yet. */
    final class Reservation implements AutoCloseable {
        private final Path key;
        private final long size;
        private long released;

        private Reservation(Path key, long size) {
            this.key = key;
            this.size = size;
        }

        /** {@code total} bytes of the file are written: they now count in the usable space instead. */
        synchronized void written(long total) {
            long now = Math.min(total, size);
            if (now > released) {
                release(key, now - released);
                released = now;
            }
        }

        @Override
        public synchronized void close() {
            if (released < size) {
                release(key, size - released);
                released = size;
            }
        }
    }
}
