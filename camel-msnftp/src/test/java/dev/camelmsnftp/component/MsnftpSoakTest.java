package dev.camelmsnftp.component;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.Sha256;
import dev.camelmsnftp.testsupport.Threads;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many transfers of mixed sizes, flows, modes and dialects between two endpoints, several at a time: every file arrives
 * intact, and afterwards threads, file descriptors, ports, temporary files and the heap are back where they were. The
 * normal build runs 100 transfers, 8 at a time; {@code mvn -Psoak verify} runs 1000, 16 at a time
 * ({@code msnftp.soak.transfers}, {@code msnftp.soak.concurrency}).
 */
class MsnftpSoakTest {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpSoakTest.class);
    private static final int[] SIZES = { 0, 1, 2044, 2045, 2046, 4096, 65_537, 300_000, 1_500_000 };
    private static final String[] VARIANTS = { "encryption=disabled&sipMode=session",
        "encryption=auto&sipMode=pager", "encryption=disabled&sipMode=pager&connectivity=true",
        "encryption=auto&sipMode=session&connectivity=true" };

    @TempDir
    Path work;

    private final Map<String, String> received = new ConcurrentHashMap<>();

    @Test
    void manyTransfersArriveIntactAndLeaveNothingBehind() throws Exception {
        int transfers = Integer.getInteger("msnftp.soak.transfers", 100);
        int concurrency = Integer.getInteger("msnftp.soak.concurrency", 8);
        // a first round brings JVM-wide singletons (SIP factory, crypto providers, Camel's caches) into being
        round(10, 4, "warmup");
        received.clear();
        Set<Thread> threads = Threads.snapshot();
        long fds = openFileDescriptors();
        long heap = heapAfterGc();

        long start = System.nanoTime();
        long bytes = round(transfers, concurrency, "soak");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Threads.awaitNoNewThreads(threads, Duration.ofSeconds(10));
        long fdsAfter = openFileDescriptors();
        long heapAfter = heapAfterGc();
        LOG.info("Soak: {} transfers, {} at a time, {} bytes in {} ms; files lost 0; threads back to {}; open file"
                 + " descriptors {} -> {}; heap after GC {} -> {} KiB", transfers, concurrency, bytes, took.toMillis(),
                threads.size(), fds, fdsAfter, heap / 1024, heapAfter / 1024);
        assertThat(fdsAfter).as("open file descriptors").isLessThanOrEqualTo(fds);
        assertThat(heapAfter - heap).as("heap growth after GC").isLessThan(16L << 20);
    }

    /** Runs {@code count} transfers, {@code concurrency} at a time, in a CamelContext of its own; returns the bytes. */
    private long round(int count, int concurrency, String name) throws Exception {
        int alicePort = FreePorts.udpAndTcp();
        int bobPort = FreePorts.udpAndTcp();
        Path bobWork = work.resolve(name + "-bob");
        Path aliceWork = work.resolve(name + "-alice");
        Map<String, String> sent = new ConcurrentHashMap<>();
        AtomicLong bytes = new AtomicLong();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(MsnftpTestSupport.uri("*", "bob", bobPort, "workDir=" + bobWork + "&maxConcurrentTransfers="
                                                                   + (2 * concurrency)))
                            .process(MsnftpTestSupport.checksum())
                            .process(exchange -> received.put(exchange.getIn().getHeader(Exchange.FILE_NAME, String.class),
                                    exchange.getIn().getHeader(MsnftpTestSupport.SHA256, String.class)));
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            ExecutorService senders = Executors.newFixedThreadPool(concurrency);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int index = i;
                    futures.add(senders.submit(() -> {
                        byte[] content = new byte[SIZES[index % SIZES.length]];
                        new SplittableRandom(index).nextBytes(content);
                        String fileName = name + "-" + index + ".bin";
                        sent.put(fileName, Sha256.of(content));
                        String uri = MsnftpTestSupport.uri("sip:bob@127.0.0.1:" + bobPort, "alice", alicePort,
                                "workDir=" + aliceWork + "&maxConcurrentTransfers=" + concurrency + "&"
                                                       + VARIANTS[index % VARIANTS.length]);
                        Exchange exchange = template.send(uri, e -> {
                            e.getIn().setBody(content);
                            e.getIn().setHeader(Exchange.FILE_NAME, fileName);
                        });
                        assertThat(exchange.getException()).as(fileName).isNull();
                        bytes.addAndGet(content.length);
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get(2, TimeUnit.MINUTES);
                }
            } finally {
                senders.shutdownNow();
                assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            org.awaitility.Awaitility.await("every file delivered").atMost(Duration.ofSeconds(30))
                    .until(() -> received.keySet().containsAll(sent.keySet()));
        }
        for (Map.Entry<String, String> file : sent.entrySet()) {
            assertThat(received.get(file.getKey())).as(file.getKey()).isEqualTo(file.getValue());
        }
        for (Path dir : List.of(bobWork, aliceWork)) {
            assertThat(MsnftpTestSupport.isEmptyDir(dir)).as("no temporary file left in %s", dir).isTrue();
        }
        assertThat(FreePorts.isFree(alicePort) && FreePorts.isFree(bobPort)).as("SIP ports released").isTrue();
        return bytes.get();
    }

    private static long openFileDescriptors() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
