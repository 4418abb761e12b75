package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The work directory where received files are written before the route gets them (option {@code workDir}): created
 * owner-only ({@code rwx------}), and refused when another user could write it, and so replace or plant a file between
 * its arrival and the route. The default is per user: {@code <java.io.tmpdir>/camel-msnftp-<os user>/<local user>}.
 * Without POSIX permissions (Windows) nothing is checked.
 */
public final class WorkDirectory {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));
    private static final int STICKY = 01000;
    /** Directories that passed {@link #prepare}, with what they looked like then (few: one per consumer identity). */
    private static final Map<Path, Stamp> PREPARED = new ConcurrentHashMap<>();
    private static final int MAX_PREPARED = 256;

    private WorkDirectory() {
    }

    /** The default work directory of {@code localUser}, under a folder of this operating system user's own. */
    public static Path defaultFor(String localUser) {
        return Path.of(System.getProperty("java.io.tmpdir"), "camel-msnftp-" + safe(System.getProperty("user.name")),
                safe(localUser));
    }

    /**
     * Creates {@code dir} (and missing parents) owner-only if it is missing, then checks it as {@link #check}.
     *
     * @return {@code dir}
     * @throws IOException when it cannot be created, or others could write it ({@link InsecureWorkDirectoryException})
     */
    public static Path prepare(Path dir) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        Stamp before = Stamp.of(key);
        if (before != null && before.equals(PREPARED.get(key))) {
            // exactly as it was when it passed: same directory and parent, same owners and modes
            return dir;
        }
        if (posix(dir)) {
            Files.createDirectories(dir, OWNER_ONLY);
        } else {
            Files.createDirectories(dir);
        }
        check(dir);
        Stamp passed = Stamp.of(key);
        if (passed != null) {
            if (PREPARED.size() >= MAX_PREPARED) {
                PREPARED.clear();
            }
            PREPARED.put(key, passed);
        }
        return dir;
    }

    /**
     * What {@link #check} decides on, for a directory and its parent, read with one {@code stat} each: their identity
     * (device and inode), owner and mode. A directory prepared once is prepared again (each received file) at the cost
     * of these two calls instead of the user look-ups of a full check, for as long as none of it changed.
     */
    private record Stamp(Object dir, Object parent) {

        static Stamp of(Path dir) {
            Path parent = dir.getParent();
            if (parent == null) {
                return null;
            }
            try {
                return new Stamp(Files.readAttributes(dir, "unix:dev,ino,uid,mode", LinkOption.NOFOLLOW_LINKS),
                        Files.readAttributes(parent, "unix:dev,ino,uid,mode", LinkOption.NOFOLLOW_LINKS));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * Refuses a work directory, if it exists, that someone else could write: it must belong to this user and be
     * writable by its owner only, and its parent must not let others replace it (owned by this user or root, and not
     * writable by others unless sticky, as {@code /tmp} is).
     */
    public static void check(Path dir) throws IOException {
        if (!Files.exists(dir) || !posix(dir)) {
            return;
        }
        UserPrincipal me = currentUser(dir);
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
        if (!attributes.owner().equals(me)) {
            throw new InsecureWorkDirectoryException(dir, "it belongs to " + attributes.owner().getName() + ", not to "
                                                          + me.getName());
        }
        if (writableByOthers(attributes.permissions())) {
            throw new InsecureWorkDirectoryException(dir, "others can write it ("
                                                          + PosixFilePermissions.toString(attributes.permissions()) + ")");
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        PosixFileAttributes above = Files.readAttributes(parent, PosixFileAttributes.class);
        boolean trustedOwner = above.owner().equals(me) || "root".equals(above.owner().getName());
        if (!trustedOwner || writableByOthers(above.permissions()) && !sticky(parent)) {
            throw new InsecureWorkDirectoryException(dir, "others could replace it: its folder " + parent
                                                          + " belongs to " + above.owner().getName() + " ("
                                                          + PosixFilePermissions.toString(above.permissions()) + ")");
        }
    }

    private static boolean writableByOthers(Set<PosixFilePermission> permissions) {
        return permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static boolean sticky(Path dir) {
        try {
            return (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & STICKY) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    private static boolean posix(Path dir) {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
               && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static UserPrincipal currentUser(Path dir) throws IOException {
        return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    }

    private static String safe(String name) {
        return name == null || name.isBlank() ? "unknown" : name.replaceAll("[^A-Za-z0-9@._-]", "_");
    }

    /** A work directory another user could write. */
    public static final class InsecureWorkDirectoryException extends IOException {

        private static final long serialVersionUID = 1L;

        InsecureWorkDirectoryException(Path dir, String why) {
            super("The work directory " + dir + " is refused: " + why + ". Received files must be writable by this user"
                  + " only: use a folder only it can write (chmod go-w), or set workDir to one.");
        }
    }
}
