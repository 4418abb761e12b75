package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The work directory is created owner-only, and one that others could write is refused. */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class WorkDirectoryTest {

    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void missingFoldersAreCreatedOwnerOnly() throws Exception {
        Path work = dir.resolve("a/b/work");
        assertThat(WorkDirectory.prepare(work)).isEqualTo(work);
        assertThat(mode(work)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
    }

    @Test
    void theDefaultIsAFolderOfThisUsersOwnUnderTheTemporaryFolder() throws Exception {
        Path work = WorkDirectory.defaultFor("bob@corp.example");
        assertThat(work.getParent().getFileName().toString()).isEqualTo("camel-msnftp-" + System.getProperty("user.name"));
        assertThat(work.getParent().getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(work.getFileName().toString()).isEqualTo("bob@corp.example");
        assertThat(WorkDirectory.defaultFor("../../etc").getFileName().toString()).isEqualTo(".._.._etc");
    }

    @Test
    void aFolderOthersCanWriteIsRefused() throws Exception {
        for (String others : new String[] { "rwxrwxrwx", "rwxrwx---", "rwx---rwx" }) {
            Path work = Files.createDirectory(dir.resolve("shared-" + others));
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString(others));

            assertThatThrownBy(() -> WorkDirectory.prepare(work))
                    .isInstanceOf(WorkDirectory.InsecureWorkDirectoryException.class)
                    .hasMessageContaining("others can write it (" + others + ")");
        }
    }

    @Test
    void aFolderInAFolderOthersCanWriteIsRefusedUnlessThatOneIsSticky() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path work = Files.createDirectory(open.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> WorkDirectory.check(work)).hasMessageContaining("others could replace it");
        // /tmp is writable by all but sticky (no one may rename another's entries): a folder of ours in it is fine
        assumeThat(Path.of("/tmp")).isDirectory();
        Path inTmp = Files.createTempDirectory(Path.of("/tmp"), "msnftp-work-test-");
        try {
            WorkDirectory.check(inTmp);
        } finally {
            Files.delete(inTmp);
        }
    }

    @Test
    void aFolderOfAnotherUserIsRefused() throws Exception {
        assumeThat(System.getProperty("user.name")).as("only root can give a folder away").isEqualTo("root");
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path work = Files.createDirectory(dir.resolve("theirs"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(work, nobody);

        assertThatThrownBy(() -> WorkDirectory.check(work)).hasMessageContaining("it belongs to nobody");
    }

    /** Preparing a folder again (every received file) skips the full check only while nothing it looks at changed. */
    @Test
    void aFolderThatPassedIsRefusedOnceItChanges() throws Exception {
        Path parent = Files.createDirectory(dir.resolve("parent"));
        Path work = parent.resolve("work");
        WorkDirectory.prepare(work);
        WorkDirectory.prepare(work);

        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> WorkDirectory.prepare(work)).hasMessageContaining("others can write it");

        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
        WorkDirectory.prepare(work);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> WorkDirectory.prepare(work)).hasMessageContaining("others could replace it");

        // replaced by another folder (as someone able to write the parent could): checked anew, and created owner-only
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        WorkDirectory.prepare(work);
        Files.delete(work);
        Files.createDirectory(work);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx---rwx"));
        assertThatThrownBy(() -> WorkDirectory.prepare(work)).hasMessageContaining("others can write it");

        // and a folder removed after it passed is made again
        Files.delete(work);
        assertThat(WorkDirectory.prepare(work)).isDirectory();
        assertThat(mode(work)).isEqualTo("rwx------");
    }

    @Test
    void aMissingFolderPassesTheCheckAndIsCreatedWhenNeeded() throws Exception {
        WorkDirectory.check(dir.resolve("not-yet"));
        assertThat(dir.resolve("not-yet")).doesNotExist();
    }
}
