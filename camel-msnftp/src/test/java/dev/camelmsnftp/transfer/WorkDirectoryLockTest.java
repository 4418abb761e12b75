package dev.camelmsnftp.transfer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The work directory's lock and clean-up: the temporary files a killed process left are deleted when a process takes
 * the directory (and nothing else is), users within a process share it, and a second process is refused at once,
 * until the first one dies, however it dies (SIGKILL here).
 */
class WorkDirectoryLockTest {

    @TempDir
    Path dir;

    @Test
    void takingTheDirectoryDeletesWhatAKilledProcessLeftAndNothingElse() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path part = Files.write(work.resolve("msnftp-123456-987.part"), new byte[5000]);
        Path spool = Files.write(work.resolve("msnftp-out-42.spool"), new byte[10]);
        Path mine = Files.write(work.resolve("report.pdf"), new byte[10]);
        Path failed = Files.write(Files.createDirectories(work.resolve(".failed")).resolve("msnftp-1-2.part"), new byte[1]);
        Path outside = Files.write(dir.resolve("outside.part"), new byte[1]);
        Path link = Files.createSymbolicLink(work.resolve("msnftp-7-link.part"), outside);

        try (WorkDirectoryLock taken = WorkDirectoryLock.acquire(work)) {
            assertThat(taken.isLocked()).isTrue();
            assertThat(part).doesNotExist();
            assertThat(spool).doesNotExist();
            assertThat(mine).as("not ours").exists();
            assertThat(failed).as("sub-folders such as .failed are never touched").exists();
            assertThat(outside).as("links are not followed").exists();
            assertThat(link).as("and are not ours").exists();

            Path live = Files.write(work.resolve("msnftp-5-live.part"), new byte[1]);
            try (WorkDirectoryLock again = WorkDirectoryLock.acquire(work.resolve("..").resolve("work"))) {
                assertThat(again.isLocked()).isTrue();
                assertThat(live).as("a second user in the process cleans nothing: the file may be a live transfer's")
                        .exists();
            }
            try (WorkDirectoryLock third = WorkDirectoryLock.acquire(work)) {
                assertThat(live).as("the first user still holds it").exists();
            }
        }
        assertThat(dir.resolve(".work.msnftp.lock")).as("the lock file, next to the folder").exists();
        try (var left = Files.list(work)) {
            assertThat(left.map(path -> path.getFileName().toString())).as("nothing of ours in the folder")
                    .containsExactlyInAnyOrder("report.pdf", ".failed", "msnftp-7-link.part", "msnftp-5-live.part");
        }
    }

    @Test
    void aSecondProcessIsRefusedAtOnceUntilTheFirstIsKilled() throws Exception {
        Path work = dir.resolve("shared");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                work.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("READY");
            assertThat(Files.getPosixFilePermissions(work)).as("made owner-only")
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            Path orphan = Files.write(work.resolve("msnftp-99-1.part"), new byte[1]);

            assertThatThrownBy(() -> WorkDirectoryLock.acquire(work)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another process").hasMessageContaining("pid " + holder.pid())
                    .hasMessageContaining("workDir");
            assertThat(orphan).as("a refused process deletes nothing").exists();

            holder.destroyForcibly();
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
            try (WorkDirectoryLock taken = WorkDirectoryLock.acquire(work)) {
                assertThat(taken.isLocked()).as("the killed process's lock went with it").isTrue();
                assertThat(orphan).as("what it left is cleaned").doesNotExist();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsUsedUnlockedAndItsTransfersFailOnTheirOwn() throws Exception {
        Path file = Files.write(dir.resolve("a-file"), new byte[1]);
        try (WorkDirectoryLock taken = WorkDirectoryLock.acquire(file.resolve("work"))) {
            assertThat(taken.isLocked()).isFalse();
        }
    }

    /** Holds a work directory in a process of its own until killed (or its input closes). */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (WorkDirectoryLock held = WorkDirectoryLock.acquire(Path.of(args[0]))) {
                System.out.println(held.isLocked() ? "READY" : "NOT LOCKED");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test kills us
                }
            }
        }
    }
}
