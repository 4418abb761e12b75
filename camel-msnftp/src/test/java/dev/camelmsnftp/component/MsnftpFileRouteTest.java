package dev.camelmsnftp.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + outbox() + "?delete=true").routeId("send").to(toBob(""));
                from(bobReceives("alice@corp.example", "")).routeId("receive").to("file:" + inbox());
            }
        };
    }

    @Test
    void twentyFilesWithAwkwardNamesArriveIntact() throws Exception {
        NotifyBuilder sent = new NotifyBuilder(context).fromRoute("send").whenCompleted(20).create();
        NotifyBuilder received = new NotifyBuilder(context).fromRoute("receive").whenCompleted(20).create();
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = switch (i % 4) {
                case 0 -> "quarterly report " + i + ".pdf";
                case 1 -> "Résumé Zoë " + i + ".docx";
                case 2 -> "漢字 ファイル " + i + ".txt";
                default -> "plain-" + i + ".bin";
            };
            sources.add(randomFile(name, 1000 * i + i % 3));
        }
        Files.createDirectories(outbox());
        for (Path source : sources) {
            Files.copy(source, outbox().resolve(source.getFileName().toString() + ".tmp"));
            Files.move(outbox().resolve(source.getFileName().toString() + ".tmp"), outbox().resolve(source.getFileName()));
        }

        assertThat(sent.matches(60, TimeUnit.SECONDS)).as("all 20 sent").isTrue();
        assertThat(received.matches(60, TimeUnit.SECONDS)).as("all 20 received").isTrue();
        for (Path source : sources) {
            Path arrived = inbox().resolve(source.getFileName().toString());
            assertThat(arrived).exists();
            assertThat(sha256(arrived)).as(source.getFileName().toString()).isEqualTo(sha256(source));
        }
        assertThat(isEmptyDir(bobWorkDir())).as("no temporary file left").isTrue();
    }
}
