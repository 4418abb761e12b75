package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.camelmsnftp.examples.archive.ArchiveTestSupport.SampleFile;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.archivedNames;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.assertKeptAsFailed;
import static dev.camelmsnftp.examples.archive.ArchiveTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the SFTP side of the archive route fails, no file is lost (SPEC 5, {@code acknowledge=afterRoute} and
 * {@code moveFailed}): the sender is told the transfer failed, so it still has the file and may send it again, and the
 * archive keeps what it received in {@code <workDir>/.failed} with a sidecar. Permission denied in every flow, both
 * dialects and both SIP modes; the server down, then back and the file sent again.
 */
class ArchiveToSftpFailuresTest {

    @TempDir
    static Path work;

    static EmbeddedSftpServer sftp;

    /** Archives that log in as the read-only user, by alwaysListen (flow C needs it, flow A must not have it). */
    static final Map<Boolean, RunningArchive> READ_ONLY = new HashMap<>();

    @BeforeAll
    static void startSftpServer() throws IOException {
        sftp = EmbeddedSftpServer.start(work.resolve("sftp"));
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (RunningArchive archive : READ_ONLY.values()) {
            archive.close();
        }
        sftp.close();
    }

    static Consumer<Properties> toSftpAs(String user, boolean alwaysListen) {
        return properties -> {
            properties.put("archive.alwaysListen", Boolean.toString(alwaysListen));
            properties.put("archive.to", "sftp");
            properties.put("archive.sftp.host", "127.0.0.1");
            properties.put("archive.sftp.port", Integer.toString(sftp.port()));
            properties.put("archive.sftp.username", user);
            properties.put("archive.sftp.password", EmbeddedSftpServer.PASSWORD);
            properties.put("archive.sftp.directory", "archive");
            properties.put("archive.sftp.knownHostsFile", sftp.knownHosts().toString());
        };
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (String flow : new String[] { "A", "B", "C" }) {
            for (String encryption : new String[] { "disabled", "auto" }) {
                for (String mode : new String[] { "session", "pager" }) {
                    cases.add(Arguments.of(flow, encryption, mode));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}")
    @MethodSource("matrix")
    void permissionDeniedFailsTheSenderAndTheFileIsKept(String flow, String encryption, String mode) throws Exception {
        boolean alwaysListen = flow.equals("C");
        RunningArchive archive = READ_ONLY.get(alwaysListen);
        if (archive == null) {
            archive = RunningArchive.start(work.resolve("work-read-only-" + flow),
                    toSftpAs(EmbeddedSftpServer.READ_ONLY_USER, alwaysListen));
            READ_ONLY.put(alwaysListen, archive);
        }
        String name = "denied-" + flow + "-" + encryption + "-" + mode + ".bin";
        SampleFile file = SampleFile.random(work.resolve("outbox"), name, 100_003, name.hashCode());

        // flow B: the sender cannot listen; A: it can and the archive connects; C: it can, but the archive listens
        Exchange sent = archive.send("encryption=" + encryption + "&sipMode=" + mode + "&connectivity="
                + !flow.equals("B"), name, file.path());

        assertThat(sent.getException()).as("the sender is told that the archive did not take %s", name).isNotNull();
        assertKeptAsFailed(archive.failedDir(), name, file.sha256());
        try (Stream<Path> stored = Files.walk(sftp.root())) {
            assertThat(stored.filter(path -> path.getFileName().toString().contains(name)))
                    .as("nothing of %s written on the server", name).isEmpty();
        }
    }

    @Test
    void serverDownFailsTheSenderTheFileIsKeptAndSentAgainItArrives() throws Exception {
        try (RunningArchive archive = RunningArchive.start(work.resolve("work-down"),
                toSftpAs(EmbeddedSftpServer.USER, false))) {
            SampleFile file = SampleFile.random(work.resolve("outbox"), "while-the-server-was-down.bin", 300_007, 17);

            sftp.stop();
            try {
                Exchange sent = archive.send("", file.name(), file.path());
                assertThat(sent.getException()).as("the sender is told that the archive did not take it").isNotNull();
                assertKeptAsFailed(archive.failedDir(), file.name(), file.sha256());
            } finally {
                sftp.start();
            }

            LocalDate before = LocalDate.now();
            Exchange again = archive.send("", file.name(), file.path());

            assertThat(again.getException()).as("sent again once the server is back").isNull();
            Path stored = sftp.root().resolve("archive");
            assertThat(archivedNames(before, again, file.name())).map(stored::resolve).filteredOn(Files::isRegularFile)
                    .singleElement().satisfies(path -> assertThat(sha256(path)).isEqualTo(file.sha256()));
        }
    }
}
