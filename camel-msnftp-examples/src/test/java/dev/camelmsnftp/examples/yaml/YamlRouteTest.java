package dev.camelmsnftp.examples.yaml;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example's YAML route (routes/receive-files.camel.yaml), loaded by camel-yaml-dsl as Camel Main or JBang would
 * load it, receives a file that a Java route sends over msnftp on loopback, and stores it under the sender's name.
 */
class YamlRouteTest extends CamelTestSupport {

    @TempDir
    static Path work;

    static final int BOB_PORT = freePort();
    static final int ALICE_PORT = freePort();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.put("yaml.identity", "bob@corp.example");
        properties.put("yaml.sipHost", "127.0.0.1");
        properties.put("yaml.sipPort", Integer.toString(BOB_PORT));
        properties.put("yaml.inbox", work.resolve("inbox").toString());
        properties.put("yaml.workDir", work.resolve("bob").toString());
        return properties;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "classpath:routes/receive-files.camel.yaml"));
        return context;
    }

    @Test
    void theYamlRouteReceivesAndStoresAFile() throws Exception {
        assertThat(context.getRoute("yaml-receive-files").getEndpoint().getEndpointUri())
                .contains("encryption=required").contains("identity=bob%40corp.example").contains("sipMode=pager");
        byte[] bytes = new byte[150_000];
        new Random(15).nextBytes(bytes);
        NotifyBuilder stored = new NotifyBuilder(context).fromRoute("yaml-receive-files").whenCompleted(1).create();

        Exchange sent = template.send("msnftp:bob@127.0.0.1:" + BOB_PORT + "?identity=alice@corp.example&sipHost=127.0.0.1"
                                      + "&sipPort=" + ALICE_PORT + "&ftpHost=127.0.0.1&sipMode=pager",
                exchange -> {
                    exchange.getIn().setBody(bytes);
                    exchange.getIn().setHeader(Exchange.FILE_NAME, "minutes.pdf");
                });

        assertThat(sent.getException()).isNull();
        assertThat(stored.matches(30, TimeUnit.SECONDS)).as("the YAML route stored the file").isTrue();
        assertThat(Files.readAllBytes(work.resolve("inbox/alice@corp.example/minutes.pdf"))).isEqualTo(bytes);
    }

    static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // the UDP side was taken; try another
            }
        }
        throw new IllegalStateException("No port free for both UDP and TCP");
    }
}
