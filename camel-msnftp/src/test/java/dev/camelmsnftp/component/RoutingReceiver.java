package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Bob in a process of his own, for {@link MsnftpConsumerKilledTest}: a consumer (acknowledge=afterRoute, the default)
 * whose route says {@code ROUTING <name>} once the file is in and then waits for its standard input to close, so that
 * the test can kill the process while the route runs. Prints {@code READY} once it listens. SIP over TCP, so that the
 * test's side notices at once that the process is gone. Arguments: SIP port, work directory, alwaysListen.
 */
public final class RoutingReceiver {

    private RoutingReceiver() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("msnftp:*?localUser=bob@corp.example&sipHost=127.0.0.1&sipPort=" + args[0]
                         + "&sipTransport=tcp&ftpHost=127.0.0.1&acceptTimeout=10s&transferTimeout=10s&workDir=" + args[1]
                         + "&alwaysListen=" + args[2])
                            .process(exchange -> {
                                System.out.println("ROUTING " + exchange.getIn().getHeader(Exchange.FILE_NAME));
                                System.out.flush();
                                while (in.readLine() != null) {
                                    // the route runs until the test kills us or closes our input
                                }
                            });
                }
            });
            camel.start();
            System.out.println("READY");
            System.out.flush();
            while (in.readLine() != null) {
                // until the test closes our input
            }
        }
    }
}
