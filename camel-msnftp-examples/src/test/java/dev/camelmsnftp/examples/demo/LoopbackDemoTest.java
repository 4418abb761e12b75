package dev.camelmsnftp.examples.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the README's demo in-process (a smaller large file) and checks what it reports and leaves behind. */
class LoopbackDemoTest {

    @TempDir
    Path dir;

    @Test
    void everySampleArrivesIntactAndTheSummarySaysSo() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exitCode = new LoopbackDemo(dir, 3 << 20, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(exitCode).as(output).isZero();
        assertThat(output).contains("OK: all 5 files arrived intact.")
                .contains("[5/5] alice sent").contains("[5/5] bob received")
                .containsPattern("'dataset.bin' +3,145,728 +16777989 +(yes|no) +[0-9.,]+ +[0-9.]+ +intact \\(SHA-256 equal\\)")
                .contains("'Quartalsbericht Q3 (Entwurf) ü.pdf'")
                // the progress bar drawn from the component's transfer events
                .containsPattern("dataset\\.bin +\\[#{20}\\] 100%  3\\.1 MB of 3\\.1 MB");
        try (var inbox = Files.list(dir.resolve("inbox"))) {
            assertThat(inbox.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("hello.txt",
                    "empty.log", "photo 2026-11-25.jpg", "Quartalsbericht Q3 (Entwurf) ü.pdf", "dataset.bin");
        }
        try (var outbox = Files.list(dir.resolve("outbox"))) {
            assertThat(outbox.filter(Files::isRegularFile)).as("alice's outbox is emptied").isEmpty();
        }
    }
}
