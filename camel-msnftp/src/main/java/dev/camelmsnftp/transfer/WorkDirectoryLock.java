package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on a work directory held by this process: received files ({@code msnftp-<cookie>-*.part}) and spooled streams
 * ({@code msnftp-out-*.spool}) live there while their transfer runs.
 * <p>
 * A process that is killed leaves its temporary files behind, and the default work directory is the same on every
 * run. So the first user in a process to take a work directory locks it ({@link FileChannel#tryLock()} on its lock
 * file, {@link #lockFileFor}, released by the operating system when the process dies, however it dies) and then deletes
 * the temporary files it finds: with the lock held and no transfer of this process started in it yet, no live transfer
 * owns them. Other users in the same process share the lock (reference counted) and clean nothing. The sub-folders
 * (such as {@code .failed}, where failed deliveries are kept) and any other file are never touched.
 * <p>
 * When another process holds the lock, taking the directory fails at once with a message that names it and the
 * process: two processes must not share a work directory (each would take the other's files for orphans at its next
 * start); give each its own {@code workDir}. A directory that cannot be created or locked for another reason (no
 * permission, a file system without locks) is used unlocked with a warning, and its transfers fail or succeed on
 * their own as before.
 */
public final class WorkDirectoryLock implements AutoCloseable {

    /**
     * The lock file of {@code directory}: next to it, {@code .<name>.msnftp.lock} in its parent, so that the folder
     * itself holds only the files of transfers (and what users and tools put there); inside it for a root. It stays
     * there after use (deleting lock files is racy).
     */
    public static Path lockFileFor(Path directory) {
        Path parent = directory.getParent();
        Path name = directory.getFileName();
        return parent == null || name == null ? directory.resolve(".msnftp.lock")
                : parent.resolve("." + name + ".msnftp.lock");
    }

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectoryLock.class);
    private static final Map<Path, Held> HELD = new HashMap<>();

    private final Path path;
    private final Held held;
    private boolean closed;

    private WorkDirectoryLock(Path path, Held held) {
        this.path = path;
        this.held = held;
    }

    /** What this process holds of one directory: the lock (null when it could not be taken) and how many use it. */
    private static final class Held {
        final FileChannel channel;
        final FileLock lock;
        int users;

        Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    /**
     * Takes {@code directory} for this process (creating it), and cleans it of orphans when this process had not taken
     * it yet. Release with {@link #close()}.
     *
     * @throws IllegalStateException when another process holds it
     */
    public static WorkDirectoryLock acquire(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path key;
        try {
            if (Files.notExists(directory) && directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // as received files are private: a folder made here is the owner's only
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
            key = directory.toRealPath();
        } catch (IOException e) {
            LOG.warn("Cannot use work directory {} ({}); transfers that need it will fail", directory, e.toString());
            return new WorkDirectoryLock(directory.toAbsolutePath().normalize(), null);
        }
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held == null) {
                held = lock(key);
                if (held.lock != null) {
                    removeOrphans(key);
                }
                HELD.put(key, held);
            }
            held.users++;
            return new WorkDirectoryLock(key, held);
        }
    }

    private static Held lock(Path directory) {
        Path file = lockFileFor(directory);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new IllegalStateException("The work directory " + directory + " is in use by another process ("
                                                + holder + ", lock " + file + "): two processes must not share a"
                                                + " work directory; give this one its own workDir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            return new Held(channel, lock);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot lock work directory {} ({}); using it without a lock, and leaving what is in it", directory,
                    e.toString());
            closeQuietly(channel);
            return new Held(null, null);
        }
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(200);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? "unknown process" : text;
        } catch (IOException e) {
            return "unknown process";
        }
    }

    /** Whether {@code name} is one of the temporary files transfers write. */
    static boolean isTemporary(String name) {
        return name.startsWith("msnftp-") && (name.endsWith(".part") || name.endsWith(".spool"));
    }

    /** Deletes the temporary files directly in {@code directory} (no sub-folder, no link followed). */
    private static void removeOrphans(Path directory) {
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!isTemporary(name) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    long size = Files.size(file);
                    Files.delete(file);
                    removed.add(name);
                    bytes += size;
                } catch (IOException e) {
                    LOG.warn("Cannot delete {} left in work directory {}: {}", name, directory, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot look for files left in work directory {}: {}", directory, e.toString());
        }
        if (!removed.isEmpty()) {
            LOG.warn("Deleted {} temporary files ({} bytes) that a process which ended without cleaning up left in work"
                     + " directory {}: {}", removed.size(), bytes, directory, removed);
        }
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** Whether this process holds the directory's lock. */
    public boolean isLocked() {
        return held != null && held.lock != null;
    }

    /** Gives the directory back; the last user in the process releases the lock. Idempotent. */
    @Override
    public void close() {
        if (held == null) {
            return;
        }
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            if (--held.users > 0) {
                return;
            }
            HELD.remove(path, held);
        }
        closeQuietly(held.channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing a work directory lock failed: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "WorkDirectoryLock[" + path + (isLocked() ? ", locked" : "") + "]";
    }
}
