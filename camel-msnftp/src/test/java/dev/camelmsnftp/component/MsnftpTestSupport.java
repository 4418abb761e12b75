package dev.camelmsnftp.component;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.Sha256;
import dev.camelmsnftp.transfer.Flow;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/** Two SIP users in one CamelContext on loopback: alice sends, bob (and carol) receive. */
abstract class MsnftpTestSupport extends CamelTestSupport {

    static final int ALICE_PORT = FreePorts.udpAndTcp();
    static final int BOB_PORT = FreePorts.udpAndTcp();
    static final int CAROL_PORT = FreePorts.udpAndTcp();
    static final String SHA256 = "sha256";

    @TempDir
    static Path work;

    /** What the consumers handed to their exception handler, for routes with {@code exceptionHandler=#failures}. */
    protected final BlockingQueue<Throwable> consumerFailures = new LinkedBlockingQueue<>();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("failures", new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                consumerFailures.add(exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                consumerFailures.add(exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                consumerFailures.add(exception);
            }
        });
        return context;
    }

    static String alice(String peer, String options) {
        return uri(peer, "alice", ALICE_PORT, options);
    }

    static String toBob(String options) {
        return alice("sip:bob@127.0.0.1:" + BOB_PORT, options);
    }

    static String bobReceives(String peer, String options) {
        return uri(peer, "bob", BOB_PORT, options);
    }

    /** The consumer to offer a file to in {@code flow}: carol (alwaysListen) for flow C, bob for A and B. */
    static String receiverFor(Flow flow) {
        return flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
    }

    /** The work directory of {@link #receiverFor}. */
    static Path receiverWorkDir(Flow flow) {
        return work.resolve(flow == Flow.C ? "carol" : "bob");
    }

    static String carolReceives(String options) {
        return uri("*", "carol", CAROL_PORT, options);
    }

    /** An endpoint URI for {@code user} on loopback with short time-outs; {@code options} override the defaults. */
    static String uri(String peer, String user, int sipPort, String options) {
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();
        parameters.put("localUser", user + "@corp.example");
        parameters.put("sipHost", "127.0.0.1");
        parameters.put("sipPort", Integer.toString(sipPort));
        parameters.put("ftpHost", "127.0.0.1");
        parameters.put("acceptTimeout", "5s");
        parameters.put("transferTimeout", "5s");
        if (work != null) {
            parameters.put("workDir", work.resolve(user).toString());
        }
        if (!options.isEmpty()) {
            for (String option : options.split("&")) {
                int equals = option.indexOf('=');
                parameters.put(option.substring(0, equals), option.substring(equals + 1));
            }
        }
        StringBuilder uri = new StringBuilder("msnftp:").append(peer).append('?');
        parameters.forEach((name, value) -> uri.append(name).append('=').append(value).append('&'));
        uri.setLength(uri.length() - 1);
        return uri.toString();
    }

    /** Every flow in both dialects: the rows of a failure test whose SIP carriage does not matter. */
    static Stream<Arguments> flowsAndDialects() {
        List<Arguments> rows = new ArrayList<>();
        for (Flow flow : Flow.values()) {
            for (Dialect dialect : Dialect.values()) {
                rows.add(Arguments.of(flow, dialect));
            }
        }
        return rows.stream();
    }

    /** Every flow in both dialects and both SIP modes: the rows of a failure test that sends invitations after INVITE. */
    static Stream<Arguments> flowsDialectsAndModes() {
        return flowsAndDialects().flatMap(row -> Stream.of(SipMode.values())
                .map(mode -> Arguments.of(row.get()[0], row.get()[1], mode)));
    }

    /** Options that make alice's producer send in {@code flow}, {@code dialect} and {@code mode}. */
    static String sending(Flow flow, Dialect dialect, SipMode mode) {
        return "connectivity=" + (flow != Flow.B) + "&encryption=" + (dialect.encrypted() ? "required" : "disabled")
               + "&sipMode=" + mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The consumers {@link #receiverFor} offers to, bob (flows A and B) and carol (alwaysListen, flow C), each handing
     * its files as bytes to {@code mock:received}; their failures go to {@link #consumerFailures}.
     */
    static RoutesBuilder receiversToMock() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "exceptionHandler=#failures")).routeId("bob").convertBodyTo(byte[].class)
                        .to("mock:received");
                from(carolReceives("alwaysListen=true&exceptionHandler=#failures")).routeId("carol")
                        .convertBodyTo(byte[].class).to("mock:received");
            }
        };
    }

    /** Sets header {@code sha256} to the SHA-256 of the received file, read as a stream (the body stays a File). */
    static Processor checksum() {
        return exchange -> {
            try (InputStream in = exchange.getIn().getBody(InputStream.class)) {
                exchange.getIn().setHeader(SHA256, Sha256.of(in));
            }
            exchange.getIn().setHeader("receivedPath", exchange.getIn().getBody(File.class).getPath());
        };
    }

    static String sha256(Path file) throws Exception {
        return Sha256.of(file);
    }

    static Path randomFile(String name, int size) throws Exception {
        Path dir = Files.createDirectories(work.resolve("sources"));
        byte[] bytes = new byte[size];
        new Random(size * 31L + name.hashCode()).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    static Path bobWorkDir() {
        return work.resolve("bob");
    }

    static boolean isEmptyDir(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    static Object header(Exchange exchange, String name) {
        return exchange.getIn().getHeader(name);
    }
}
