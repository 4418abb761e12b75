package dev.camelmsnftp.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The full component, SIP signalling included: alice's route {@code file:outbox -> msnftp:bob}, bob's route
 * {@code msnftp:* -> file:inbox}, two SIP users on loopback in one CamelContext. A copy is timed from the moment the
 * file appears in the outbox (a hard link: no bytes copied) until bob's route has written it to the inbox.
 */
final class ComponentCopier implements Copier, FileSender {

    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    /** Transfers in flight in the concurrent case. */
    static final int CONCURRENT = 8;

    private final String name;
    private final Path outbox;
    private final Path inbox;
    private final String aliceUri;
    private final CamelContext camel;
    private final ProducerTemplate template;
    private final long[] producerNanos;
    private final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    private int produced;

    ComponentCopier(String encryption, String sipMode, Path dir, int maxFiles) throws Exception {
        this(encryption, sipMode, "udp", dir, maxFiles);
    }

    ComponentCopier(String encryption, String sipMode, String sipTransport, Path dir, int maxFiles) throws Exception {
        this.name = "component, file: -> msnftp: -> msnftp:* -> file:, " + (encryption.equals("disabled") ? "plain"
                : "encrypted") + ", " + sipMode + " mode" + (sipTransport.equals("udp") ? "" : ", SIP over " + sipTransport);
        Measurements.deleteContents(dir);
        this.outbox = Files.createDirectories(dir.resolve("outbox"));
        this.inbox = Files.createDirectories(dir.resolve("inbox"));
        this.producerNanos = new long[maxFiles];
        int alicePort = Measurements.freePort();
        int bobPort = Measurements.freePort();
        String common = "&sipHost=127.0.0.1&ftpHost=127.0.0.1&encryption=" + encryption + "&sipMode=" + sipMode
                + "&sipTransport=" + sipTransport + "&maxConcurrentTransfers=64";
        this.aliceUri = "msnftp:sip:bob@127.0.0.1:" + bobPort + "?localUser=alice@bench.example&sipPort=" + alicePort
                + "&workDir=" + dir.resolve("work/alice") + common;
        String bobUri = "msnftp:*?localUser=bob@bench.example&sipPort=" + bobPort + "&workDir=" + dir.resolve("work/bob")
                + common;
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + outbox + "?delete=true&initialDelay=0&delay=10").routeId(ALICE)
                        .process(exchange -> exchange.setProperty("started", System.nanoTime()))
                        .to(aliceUri)
                        .process(exchange -> record(System.nanoTime() - exchange.getProperty("started", Long.class)));
                // the concurrent case: one producer route with CONCURRENT transfers in flight
                from("seda:burst?concurrentConsumers=" + CONCURRENT + "&size=100000").routeId("burst").to(aliceUri);
                from(bobUri).routeId(BOB).to("file:" + inbox)
                        .process(exchange -> arrivals.add(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class)));
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    private synchronized void record(long nanos) {
        if (produced < producerNanos.length) {
            producerNanos[produced++] = nanos;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void copy(Path source, Path target) throws Exception {
        arrivals.clear();
        Path link = Files.createLink(outbox.resolve(freshName(source)), source);
        awaitArrivals(List.of(link));
        Files.move(inbox.resolve(link.getFileName()), target, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A name not used before (copyAll uses the files' own names): with acknowledge=afterRoute alice's exchange, and with
     * it the deletion of her outbox file, ends just after bob's route, so the same name dropped again at once could
     * still find the last copy there.
     */
    private String freshName(Path source) {
        return (++copies) + "-" + source.getFileName();
    }

    private long copies;

    /** Drops all {@code files} in the outbox at once; returns the nanoseconds until bob's route wrote the last one. */
    long copyAll(List<Path> files) throws Exception {
        synchronized (this) {
            produced = 0;
        }
        arrivals.clear();
        long start = System.nanoTime();
        for (Path file : files) {
            Files.createLink(outbox.resolve(file.getFileName()), file);
        }
        awaitArrivals(files);
        return System.nanoTime() - start;
    }

    /** Puts all {@code files} on the concurrent route at once; returns the nanoseconds until the last arrived. */
    long burst(List<Path> files) throws Exception {
        arrivals.clear();
        long start = System.nanoTime();
        for (Path file : files) {
            template.sendBodyAndHeader("seda:burst", file.toFile(), Exchange.FILE_NAME, file.getFileName().toString());
        }
        awaitArrivals(files);
        return System.nanoTime() - start;
    }

    @Override
    public void clearArrivals() {
        arrivals.clear();
    }

    /** Waits until bob's route has written each of {@code files} to the inbox. */
    @Override
    public void awaitArrivals(List<Path> files) throws InterruptedException {
        Set<String> missing = new HashSet<>();
        files.forEach(file -> missing.add(file.getFileName().toString()));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!missing.isEmpty()) {
            String arrived = arrivals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (arrived == null) {
                throw new IllegalStateException(missing.size() + " file(s) did not arrive, e.g. " + missing.iterator().next());
            }
            missing.remove(arrived);
        }
    }

    /** Sends one file with the producer directly (no file: consumer), returning when the receiver said BYE. */
    @Override
    public void send(Path file) {
        template.sendBody(aliceUri, file.toFile());
    }

    /** The durations of alice's {@code to(msnftp:)} calls since the last {@link #copyAll}. */
    synchronized long[] producerNanos() {
        return java.util.Arrays.copyOf(producerNanos, produced);
    }

    Path inbox() {
        return inbox;
    }

    @Override
    public Path received() {
        return inbox;
    }

    @Override
    public void close() throws Exception {
        template.close();
        camel.close();
    }
}
