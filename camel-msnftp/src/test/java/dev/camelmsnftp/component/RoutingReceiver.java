package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

import dev.camelmsnftp.testsupport.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Bob in a process of his own, for {@link MsnftpConsumerKilledTest}: a Camel context that starts warm (it has run an
 * msnftp consumer once, on a port of its own, so that the classes are loaded and the JIT has seen them) and prints
 * {@code READY}, then starts consumers on the test's command. Each command is one line on its standard input:
 * <ul>
 * <li>{@code HOLD <sipPort> <workDir> <alwaysListen>}: a consumer (acknowledge=afterRoute, the default) whose route
 * says {@code ROUTING <name>} once the file is in and then waits until the input closes, so that the test can kill the
 * process while the route runs;</li>
 * <li>{@code DELIVER <sipPort> <workDir> <alwaysListen>}: a consumer whose route says {@code RECEIVED <name> <sha256>}
 * and ends well.</li>
 * </ul>
 * Each prints {@code LISTENING} once the consumer is started, or {@code FAILED <message>}. SIP over TCP, so that the
 * test's side notices at once that the process is gone. Argument: a scratch directory for the warm-up.
 */
public final class RoutingReceiver {

    private RoutingReceiver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        CountDownLatch inputClosed = new CountDownLatch(1);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            warmUp(camel, java.nio.file.Path.of(args[0]));
            say(out, "READY");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] command = line.split(" ");
                boolean hold = command[0].equals("HOLD");
                try {
                    camel.addRoutes(new RouteBuilder() {
                        @Override
                        public void configure() {
                            from(bob(command[1], command[2], command[3])).process(exchange -> {
                                String name = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
                                if (hold) {
                                    say(out, "ROUTING " + name);
                                    inputClosed.await(); // until the test kills us or closes our input
                                } else {
                                    say(out, "RECEIVED " + name + " "
                                             + PeerProcess.sha256(exchange.getIn().getBody(InputStream.class)));
                                }
                            });
                        }
                    });
                    say(out, "LISTENING");
                } catch (Exception e) {
                    say(out, "FAILED " + e);
                }
            }
            inputClosed.countDown();
        }
    }

    private static String bob(String sipPort, String workDir, String alwaysListen) {
        return "msnftp:*?identity=bob@corp.example&sipHost=127.0.0.1&sipPort=" + sipPort
               + "&sipTransport=tcp&ftpHost=127.0.0.1&acceptTimeout=10s&transferTimeout=10s&workDir=" + workDir
               + "&alwaysListen=" + alwaysListen;
    }

    /** Starts and removes a consumer once, so that the one the test asks for later starts in a fraction of a second. */
    private static void warmUp(CamelContext camel, java.nio.file.Path scratch) throws Exception {
        java.nio.file.Path dir = Files.createDirectories(scratch).resolve("work");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(bob(Integer.toString(FreePorts.udpAndTcp()), dir.toString(), "false")).routeId("warm-up")
                        .log("unused");
            }
        });
        camel.getRouteController().stopRoute("warm-up");
        camel.removeRoute("warm-up");
    }

    private static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
