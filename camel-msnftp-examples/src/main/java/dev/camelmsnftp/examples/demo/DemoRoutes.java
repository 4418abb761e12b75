package dev.camelmsnftp.examples.demo;

import java.nio.file.Path;

import dev.camelmsnftp.component.MsnftpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The two routes of the demo, as a user would write them: alice sends every file that lands in her outbox to bob, and
 * bob writes every file he receives to his inbox. Both users live in one CamelContext on loopback, each with its own SIP
 * port; no SIP server is involved (alice addresses bob by host and port).
 */
public class DemoRoutes extends RouteBuilder {

    static final String SEND = "alice-sends";
    static final String RECEIVE = "bob-receives";

    private final Path outbox;
    private final Path inbox;
    private final int alicePort;
    private final int bobPort;
    private final Path workDir;
    private final DemoReport report;

    public DemoRoutes(Path demoDir, int alicePort, int bobPort, DemoReport report) {
        this.outbox = demoDir.resolve("outbox");
        this.inbox = demoDir.resolve("inbox");
        this.workDir = demoDir.resolve("work");
        this.alicePort = alicePort;
        this.bobPort = bobPort;
        this.report = report;
    }

    @Override
    public void configure() {
        // alice: file:outbox -> msnftp:bob
        from("file:" + outbox + "?delete=true&initialDelay=100&delay=200").routeId(SEND)
                .process(exchange -> exchange.setProperty("started", System.nanoTime()))
                .to("msnftp:bob@127.0.0.1:" + bobPort
                        + "?identity=alice@corp.example&sipHost=127.0.0.1&sipPort=" + alicePort
                        + "&ftpHost=127.0.0.1&workDir=" + workDir.resolve("alice"))
                .process(this::sent);

        // bob: msnftp:* -> file:inbox
        from("msnftp:*?identity=bob@corp.example&sipHost=127.0.0.1&sipPort=" + bobPort
                + "&ftpHost=127.0.0.1&maxFileSize=104857600&workDir=" + workDir.resolve("bob")).routeId(RECEIVE)
                .to("file:" + inbox)
                .process(this::received);
    }

    private void sent(Exchange exchange) {
        long nanos = System.nanoTime() - exchange.getProperty("started", Long.class);
        report.sent(exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class),
                exchange.getIn().getHeader(MsnftpConstants.FILE_LENGTH, Long.class),
                exchange.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class),
                exchange.getIn().getHeader(MsnftpConstants.ENCRYPTED, Boolean.class), nanos);
    }

    private void received(Exchange exchange) {
        report.received(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class),
                exchange.getIn().getHeader(MsnftpConstants.REMOTE_USER, String.class));
    }
}
