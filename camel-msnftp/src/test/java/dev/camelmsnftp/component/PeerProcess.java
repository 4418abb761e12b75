package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.camelmsnftp.testsupport.ChildJvm;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A user in a process of its own, for the tests that kill it (SIGKILL) and start it again: {@code receive} runs a
 * consumer and prints {@code RECEIVED <name> <sha256>} for each file; {@code send} runs a producer to one target and,
 * for each {@code SEND <path>} line on its input, sends that file as a stream (spooled to its work directory first)
 * and prints {@code SENT <cookie>} or {@code FAILED <exception>}. Both print {@code READY} once started, or
 * {@code FAILED <message>} and exit 1 when they cannot start, and stop when their input closes.
 * <p>
 * Arguments: {@code receive|send user sipPort workDir [target] [options]}.
 */
public final class PeerProcess {

    private PeerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        String common = "identity=" + args[1] + "@corp.example&sipHost=127.0.0.1&sipPort=" + args[2]
                        + "&ftpHost=127.0.0.1&acceptTimeout=10s&transferTimeout=10s&workDir=" + args[3];
        PrintStream out = System.out;
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (role.equals("receive")) {
                        from("msnftp:*?" + common + option(args, 4)).process(exchange -> {
                            synchronized (out) {
                                out.println("RECEIVED " + exchange.getIn().getHeader(Exchange.FILE_NAME) + " "
                                            + sha256(exchange.getIn().getBody(InputStream.class)));
                                out.flush();
                            }
                        });
                    } else {
                        from("direct:send").to("msnftp:" + args[4] + "?" + common + option(args, 5));
                    }
                }
            });
            try {
                camel.start();
            } catch (Exception e) {
                out.println("FAILED " + rootMessage(e));
                out.flush();
                System.exit(1);
            }
            out.println("READY");
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("SEND ")) {
                    Path file = Path.of(line.substring(5));
                    Exchange sent;
                    try (InputStream stream = Files.newInputStream(file)) {
                        sent = camel.createProducerTemplate().send("direct:send", exchange -> {
                            exchange.getIn().setHeader(Exchange.FILE_NAME, file.getFileName().toString());
                            exchange.getIn().setBody(stream);
                        });
                    }
                    synchronized (out) {
                        out.println(sent.getException() == null
                                ? "SENT " + sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE)
                                : "FAILED " + sent.getException());
                        out.flush();
                    }
                }
            }
        }
    }

    private static String option(String[] args, int index) {
        return args.length > index && !args[index].isEmpty() ? "&" + args[index] : "";
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Starts a {@code PeerProcess} with {@code args} in a JVM of its own; its log goes to {@code log}. */
    static ChildJvm start(Path log, String... args) throws IOException {
        return ChildJvm.builder(PeerProcess.class, log).name("peer-" + args[1]).jvmOptions("-Xmx256m").args(args).start();
    }
}
