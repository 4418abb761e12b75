package dev.camelmsnftp.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the benchmark runnable: a miniature run (4 MiB, 30 small files) must complete, verify every copy and print
 * every row. It measures nothing; the figures come from {@code mvn -Pbenchmark verify}.
 */
class BenchmarkSmokeTest {

    @TempDir
    Path dir;

    @Test
    void aMiniatureRunCopiesEverythingIntactAndPrintsEveryRow() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new Benchmark(dir, 4 << 20, 1, 30, 4096, 0, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(output).contains("raw socket, 64 KiB streams", "raw socket, zero-copy", "MSNFTP session layer, plain",
                "MSNFTP session layer, encrypted", "component, file: -> msnftp: -> msnftp:* -> file:, plain",
                "component, file: -> msnftp: -> msnftp:* -> file:, encrypted", "one SIP MESSAGE and its 200",
                "component producer alone", "full route", "Where the time of one small file goes");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the benchmark removes its files").isEmpty();
        }
    }
}
