package dev.camelmsnftp.component;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The route users write: {@code file:} to {@code msnftp:bob}, and {@code msnftp:*} to {@code file:}. */
class MsnftpFileRouteTest extends MsnftpTestSupport {

    static Path outbox() {
        return work.resolve("outbox");
    }

    static Path inbox() {
        return work.resolve("inbox");
    }

    /** The inode of each received file as the consumer handed it over, by name. */
    private final Map<String, Object> inodes = new ConcurrentHashMap<>();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + outbox() + "?delete=true").routeId("send").to(toBob(""));
                from(bobReceives("alice@corp.example", "")).routeId("receive")
                        .process(exchange -> inodes.put(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class),
                                Files.getAttribute(exchange.getIn().getBody(File.class).toPath(), "unix:ino")))
                        .to("file:" + inbox());
            }
        };
    }

    @Test
    void twentyFilesWithAwkwardNamesArriveIntact() throws Exception {
        NotifyBuilder sent = new NotifyBuilder(context).fromRoute("send").whenCompleted(20).create();
        NotifyBuilder received = new NotifyBuilder(context).fromRoute("receive").whenCompleted(20).create();
        List<Path> sources = new ArrayList<>();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            String name = switch (i % 4) {
                case 0 -> "quarterly report " + i + ".pdf";
                case 1 -> "Résumé Zoë " + i + ".docx";
                case 2 -> "漢字 ファイル " + i + ".txt";
                default -> "plain-" + i + ".bin";
            };
            Path source = randomFile(name, 1000 * i + i % 3);
            expected.put(name, sha256(source));
            sources.add(source);
        }
        Files.createDirectories(outbox());
        for (Path source : sources) {
            // an atomic rename into the outbox, so the file: consumer never sees a half-written file
            Files.move(source, outbox().resolve(source.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }

        assertThat(sent.matches(60, TimeUnit.SECONDS)).as("all 20 sent").isTrue();
        assertThat(received.matches(60, TimeUnit.SECONDS)).as("all 20 received").isTrue();
        for (Map.Entry<String, String> file : expected.entrySet()) {
            Path arrived = inbox().resolve(file.getKey());
            assertThat(arrived).exists();
            assertThat(sha256(arrived)).as(file.getKey()).isEqualTo(file.getValue());
            assertThat(Files.getAttribute(arrived, "unix:ino")).as("moved into the inbox, not copied: %s", file.getKey())
                    .isEqualTo(inodes.get(file.getKey()));
        }
        assertThat(isEmptyDir(bobWorkDir())).as("no temporary file left").isTrue();
    }
}
