package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One instance of a route in a JVM of its own, for {@link MsnftpScaleOutTest}: several of them register one address of
 * record at Kamailio.
 * <ul>
 * <li>{@code consume}: {@code from("msnftp:*")} as bob; prints {@code RECEIVED <instance> <file> <cookie> <sha256>}
 * for each file its route gets.</li>
 * <li>{@code produce}: as alice, {@code direct:session} and {@code direct:pager} to bob in each SIP mode, with Camel's
 * redelivery (10 attempts more, 0.25 s to 4 s apart); for each {@code SEND <session|pager> <path>} line it reads, sends the file on one of 8 threads and prints
 * {@code SENT <path> <cookie>} or {@code FAILED <path> <exception>}, and {@code RETRY <path> <cookie> <exception>} for
 * each attempt that failed and is sent again.</li>
 * </ul>
 * Both print {@code READY} once registered and listening ({@code FAILED <message>} and exit 1 when they cannot start),
 * and stop when their input closes. Arguments: {@code consume|produce instance registrar workDir [options]}.
 */
public final class ScaleOutInstance {

    static final String DOMAIN = "example.test";
    static final int SENDING_THREADS = 8;

    private ScaleOutInstance() {
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        String instance = args[1];
        String registrar = args[2];
        String common = "sipHost=127.0.0.1&sipPort=0&ftpHost=127.0.0.1&registrar=" + registrar + "&outboundProxy="
                        + registrar + "&password=secret&workDir=" + args[3] + (args.length > 4 ? "&" + args[4] : "");
        PrintStream out = System.out;
        ExecutorService senders = Executors.newFixedThreadPool(SENDING_THREADS);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (role.equals("consume")) {
                        from("msnftp:*?identity=bob@" + DOMAIN + "&" + common).process(exchange -> print(out,
                                "RECEIVED " + instance + " " + exchange.getIn().getHeader(Exchange.FILE_NAME) + " "
                                        + exchange.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE) + " "
                                        + sha256(exchange.getIn().getBody(InputStream.class))));
                    } else {
                        errorHandler(defaultErrorHandler().maximumRedeliveries(10).redeliveryDelay(250)
                                .useExponentialBackOff().maximumRedeliveryDelay(4000)
                                .onRedelivery(exchange -> {
                                    Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                                    print(out, "RETRY " + exchange.getIn().getBody(File.class) + " "
                                               + (failure instanceof TransferException transfer ? transfer.cookie() : "-")
                                               + " " + oneLine(failure));
                                }));
                        for (String mode : new String[] { "session", "pager" }) {
                            from("direct:" + mode).to("msnftp:bob@" + DOMAIN + "?identity=alice@" + DOMAIN + "&sipMode="
                                                      + mode + "&" + common);
                        }
                    }
                }
            });
            try {
                camel.start();
            } catch (Exception e) {
                print(out, "FAILED " + oneLine(e));
                System.exit(1);
            }
            print(out, "READY");
            ProducerTemplate template = camel.createProducerTemplate();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split(" ", 3);
                if (parts.length == 3 && parts[0].equals("SEND")) {
                    File file = new File(parts[2]);
                    senders.execute(() -> {
                        Exchange sent = template.send("direct:" + parts[1], exchange -> {
                            exchange.getIn().setHeader(Exchange.FILE_NAME, file.getName());
                            exchange.getIn().setBody(file);
                        });
                        print(out, sent.getException() == null
                                ? "SENT " + file + " " + sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE)
                                : "FAILED " + file + " " + oneLine(sent.getException()));
                    });
                }
            }
            senders.shutdown();
            senders.awaitTermination(60, TimeUnit.SECONDS);
        } finally {
            senders.shutdownNow();
        }
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static String oneLine(Throwable e) {
        return e == null ? "-" : (e.getClass().getSimpleName() + ": " + e.getMessage()).replaceAll("\\s+", " ");
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
}
