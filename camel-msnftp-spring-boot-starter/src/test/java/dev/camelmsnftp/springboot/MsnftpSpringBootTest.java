package dev.camelmsnftp.springboot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.camelmsnftp.component.MsnftpComponent;
import dev.camelmsnftp.component.MsnftpConfiguration;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.EncryptionPolicy;
import dev.camelmsnftp.springboot.example.MsnftpExampleApplication;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The example application boots with Spring Boot, its two routes configured only by properties, and moves a file from
 * alice's outbox to bob's inbox over msnftp on loopback. Without the starter's auto-configuration the same properties
 * are not applied at all (which is what users saw before there was a starter).
 */
class MsnftpSpringBootTest {

    @TempDir
    Path dir;

    /** The example's folders and ports, as command line arguments (they win over application.properties). */
    private String[] arguments(String... more) {
        List<String> arguments = new ArrayList<>(List.of("--example.outbox=" + dir.resolve("outbox"),
                "--example.inbox=" + dir.resolve("inbox"), "--example.work-dir=" + dir.resolve("work"),
                "--example.alice-port=" + FreePorts.udpAndTcp(), "--example.bob-port=" + FreePorts.udpAndTcp()));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    @Test
    void theExampleMovesAFileWithTheComponentConfiguredByProperties() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(MsnftpExampleApplication.class)
                .web(WebApplicationType.NONE).run(arguments())) {
            CamelContext camel = app.getBean(CamelContext.class);
            MsnftpConfiguration configuration = camel.getComponent("msnftp", MsnftpComponent.class).getConfiguration();
            assertThat(configuration.getIdentity()).isEqualTo("bob@corp.example");
            assertThat(configuration.getEncryption()).isEqualTo(EncryptionPolicy.REQUIRED);
            assertThat(configuration.getSipMode()).isEqualTo(SipMode.PAGER);
            assertThat(configuration.getAcceptTimeout()).isEqualTo(10_000);
            assertThat(configuration.getMaxFileSize()).as("a size: bytes, or with a unit").isEqualTo("104857600");

            byte[] bytes = new byte[300_000];
            new Random(14).nextBytes(bytes);
            Path outbox = Files.createDirectories(dir.resolve("outbox"));
            // written beside the outbox and renamed into it (same file system, so the move is atomic): the file:
            // consumer polling the outbox never sees a half-written file, nor one under another name
            Path staged = Files.write(Files.createDirectories(dir.resolve("staging")).resolve("report.bin"), bytes);
            Files.move(staged, outbox.resolve("report.bin"), StandardCopyOption.ATOMIC_MOVE);

            Path received = dir.resolve("inbox/report.bin");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(received) && Files.size(received) == bytes.length);
            assertThat(Files.readAllBytes(received)).isEqualTo(bytes);
            try (Stream<Path> inbox = Files.list(dir.resolve("inbox"))) {
                assertThat(inbox.map(file -> file.getFileName().toString())).as("only the complete file was sent")
                        .containsExactly("report.bin");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(outbox.resolve("report.bin")));
        }
    }

    @Test
    void withoutTheStartersAutoConfigurationThePropertiesAreNotApplied() {
        SpringApplicationBuilder app = new SpringApplicationBuilder(MsnftpExampleApplication.class)
                .web(WebApplicationType.NONE);
        String[] arguments = arguments("--spring.autoconfigure.exclude=" + MsnftpComponentAutoConfiguration.class.getName());
        assertThatThrownBy(() -> app.run(arguments).close()).hasStackTraceContaining("The msnftp option identity must be set");
    }
}
