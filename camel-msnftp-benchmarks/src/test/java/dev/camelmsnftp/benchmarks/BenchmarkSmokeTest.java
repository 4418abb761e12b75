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
 * Keeps the benchmark runnable: a miniature run (2 MiB, 20 small files, 40 sustained) must complete, verify every copy
 * and print every row. It measures nothing; the figures come from {@code mvn -Pbenchmark verify}.
 */
class BenchmarkSmokeTest {

    @TempDir
    Path dir;

    @Test
    void aMiniatureRunCopiesEverythingIntactAndPrintsEveryRow() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setProperty("bench.warmupFiles", "5");
        try {
            new Benchmark(dir, 2 << 20, 1, 20, 4096, 1, 40, 0, new PrintStream(printed, true, StandardCharsets.UTF_8))
                    .run();
        } finally {
            System.clearProperty("bench.warmupFiles");
            System.out.println(printed.toString(StandardCharsets.UTF_8));
        }
        String output = printed.toString(StandardCharsets.UTF_8);

        assertThat(output).contains("raw socket, transferTo out, direct 1 MiB buffer in", "vs base: against the faster raw copy",
                "cpu ms", "switches", "after 5 warm-up files",
                "raw socket, 64 KiB streams", "MSNFTP session layer, plain",
                "MSNFTP session layer, encrypted as before (JDK ARCFOUR, one thread)", "MSNFTP session layer, encrypted",
                "MSNFTP session layer, encrypted, one thread (our RC4, no second thread)",
                "component, file: -> msnftp: -> msnftp:* -> file:, plain",
                "component, file: -> msnftp: -> msnftp:* -> file:, encrypted",
                "camel-ftp to Apache FtpServer", "camel-sftp to Apache MINA SSHD",
                "session encrypted / session encrypted as before", "component encrypted / camel-sftp",
                "msnftp producer (template -> msnftp: ... -> file:), session mode", "msnftp producer, pager mode",
                "msnftp producer, session mode, SIP over TCP",
                "full route", "8 in flight from one route", "camel-ftp producer", "camel-sftp producer",
                "producer session / camel-ftp", "one SIP MESSAGE and its 200", "Where the time of one small file goes",
                "Sustained: 40 small files", "largest after any collection",
                "camel-ftp producer, the same files after it", "sustained msnftp / camel-ftp", "direct memory",
                "load average");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the benchmark removes its files").isEmpty();
        }
    }
}
