package dev.camelmsnftp.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import dev.camelmsnftp.benchmarks.Measurements.HeapWatch;
import dev.camelmsnftp.benchmarks.Measurements.Latency;
import dev.camelmsnftp.sip.SipMode;

/**
 * Throughput, latency and heap of camel-msnftp next to a raw TCP socket, in one run on loopback: one large file in
 * MB/s (each copier several times, the median counts) and many small files in files per second with per-file latency.
 * Every copy is verified by size and CRC-32C. Settings are system properties:
 * <ul>
 * <li>{@code bench.dir} (target/bench): where the files go;</li>
 * <li>{@code bench.largeMiB} (1024): the large file; {@code bench.runs} (5): runs per copier;</li>
 * <li>{@code bench.smallCount} (1000) and {@code bench.smallKiB} (4): the small files;</li>
 * <li>{@code bench.hugeMiB} (4096, the largest size MSNFTP can announce is 4 GiB - 1 byte; 0 skips): one more
 * large-file run of the raw socket and the component, when the disk has room for three copies.</li>
 * </ul>
 */
public final class Benchmark {

    private static final long MIB = 1L << 20;

    private final Path dir;
    private final long largeBytes;
    private final int runs;
    private final int smallCount;
    private final int smallBytes;
    private final long hugeBytes;
    private final PrintStream out;
    private final HeapWatch heap = new HeapWatch();
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-sender");
        thread.setDaemon(true);
        return thread;
    });

    Benchmark(Path dir, long largeBytes, int runs, int smallCount, int smallBytes, long hugeBytes, PrintStream out) {
        this.dir = dir;
        this.largeBytes = largeBytes;
        this.runs = runs;
        this.smallCount = smallCount;
        this.smallBytes = smallBytes;
        this.hugeBytes = hugeBytes;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        long hugeMiB = Long.getLong("bench.hugeMiB", 4096);
        new Benchmark(Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath(),
                Long.getLong("bench.largeMiB", 1024) * MIB, Integer.getInteger("bench.runs", 5),
                Integer.getInteger("bench.smallCount", 1000), Integer.getInteger("bench.smallKiB", 4) * 1024,
                Math.min(hugeMiB * MIB, 0xFFFF_FFFFL), System.out).run();
        System.exit(0);
    }

    void run() throws Exception {
        Measurements.deleteContents(dir);
        machine();
        largeFile("Large file", largeBytes, runs, allCopiers());
        smallFiles();
        if (hugeBytes > 0) {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free > 3 * hugeBytes + 1024 * MIB) {
                largeFile("Huge file (the largest MSNFTP can announce)", hugeBytes, 1,
                        List.of(() -> new RawSocketCopier(false, executor),
                                () -> new ComponentCopier("disabled", "session", dir.resolve("component-plain"), 1)));
            } else {
                out.printf("%nHuge file skipped: %,d MiB free in %s, %,d MiB needed%n", free / MIB, dir,
                        (3 * hugeBytes) / MIB);
            }
        }
        executor.shutdownNow();
        Measurements.deleteContents(dir);
    }

    interface CopierFactory {
        Copier create() throws Exception;
    }

    private List<CopierFactory> allCopiers() {
        return List.of(() -> new RawSocketCopier(false, executor), () -> new RawSocketCopier(true, executor),
                () -> new SessionLayerCopier(false, executor), () -> new SessionLayerCopier(true, executor),
                () -> new ComponentCopier("disabled", "session", dir.resolve("component-plain"), 1),
                () -> new ComponentCopier("auto", "session", dir.resolve("component-encrypted"), 1));
    }

    private void machine() throws IOException {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                cpu = lines.filter(line -> line.startsWith("model name")).findFirst()
                        .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse(cpu);
            }
        }
        out.printf("camel-msnftp benchmark on loopback%n");
        out.printf("machine: %s, %d cores, %s %s; Java %s (%s); max heap %d MiB%n", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() / MIB);
        out.printf("files in %s (page cache warm: the disk is not measured)%n", dir);
    }

    /** Copies one file of {@code size} bytes with each copier, {@code count} times, and prints MB/s and heap. */
    private void largeFile(String title, long size, int count, List<CopierFactory> factories) throws Exception {
        Path source = Measurements.randomFile(dir.resolve("large.bin"), size, 42);
        long checksum = Measurements.checksum(source);
        Path warmup = Measurements.randomFile(dir.resolve("warmup.bin"), Math.min(size, 64 * MIB), 7);
        Path target = dir.resolve("copy.bin");
        out.printf("%n%s: %,d bytes, %d run(s) each, taking turns, after a 64 MiB warm-up; MB/s = 10^6 bytes/s, median"
                + " of runs%n",
                title, size, count);
        out.printf("%-72s %9s %9s %8s %16s%n", "", "MB/s", "best", "vs raw", "heap above idle");
        // all copiers are open at once and take turns, run by run, so that drift in the machine (page cache, other
        // load) spreads over all of them instead of favouring whichever ran at a quiet moment
        List<Copier> copiers = new ArrayList<>();
        try {
            for (CopierFactory factory : factories) {
                copiers.add(factory.create());
            }
            List<List<Double>> rates = new ArrayList<>();
            long[] heapAbove = new long[copiers.size()];
            for (Copier copier : copiers) {
                copier.copy(warmup, target);
                rates.add(new ArrayList<>());
            }
            for (int run = 0; run < count; run++) {
                for (int c = 0; c < copiers.size(); c++) {
                    Files.deleteIfExists(target);
                    long idle = heap.reset();
                    long start = System.nanoTime();
                    copiers.get(c).copy(source, target);
                    long nanos = System.nanoTime() - start;
                    heapAbove[c] = Math.max(heapAbove[c], heap.peakAfterGc() - idle);
                    Measurements.verify(source, checksum, target);
                    rates.get(c).add(size / 1e6 / (nanos / 1e9));
                }
            }
            double baseline = Measurements.median(rates.get(0));
            for (int c = 0; c < copiers.size(); c++) {
                double median = Measurements.median(rates.get(c));
                out.printf("%-72s %9.1f %9.1f %7.0f%% %12.1f MiB%n", copiers.get(c).name(), median,
                        rates.get(c).stream().mapToDouble(Double::doubleValue).max().orElse(0), 100 * median / baseline,
                        heapAbove[c] / (double) MIB);
            }
        } finally {
            for (Copier copier : copiers) {
                copier.close();
            }
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(warmup);
        Files.deleteIfExists(source);
    }

    private void smallFiles() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("small"));
        Path targets = Files.createDirectories(dir.resolve("small-copies"));
        Map<Path, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < smallCount; i++) {
            Path file = Measurements.randomFile(sources.resolve(String.format("f%05d.bin", i)), smallBytes, i);
            files.put(file, Measurements.checksum(file));
        }
        out.printf("%nSmall files: %d x %,d bytes, one after the other; latency per file%n", smallCount, smallBytes);
        out.printf("%-72s %9s %10s %10s%n", "", "files/s", "median ms", "p99 ms");
        List<Path> list = List.copyOf(files.keySet());

        Map<String, Latency> medians = new LinkedHashMap<>();
        for (CopierFactory factory : List.<CopierFactory>of(() -> new RawSocketCopier(false, executor),
                () -> new SessionLayerCopier(false, executor))) {
            try (Copier copier = factory.create()) {
                for (int i = 0; i < warmups(list); i++) {
                    copier.copy(list.get(i), targets.resolve("warmup"));
                }
                long[] nanos = new long[list.size()];
                long start = System.nanoTime();
                for (int i = 0; i < list.size(); i++) {
                    long t = System.nanoTime();
                    copier.copy(list.get(i), targets.resolve(list.get(i).getFileName()));
                    nanos[i] = System.nanoTime() - t;
                }
                medians.put(copier.name(), small(copier.name(), System.nanoTime() - start, nanos));
                verifyAll(files, targets);
                Measurements.deleteContents(targets);
            }
        }
        for (SipMode mode : SipMode.values()) {
            SipRoundTrip.measure(mode, warmups(list));
            Latency sip = SipRoundTrip.measure(mode, list.size());
            out.printf("%-72s %9s %10.3f %10.3f%n", "one SIP MESSAGE and its 200, agent to agent, " + mode.name()
                    .toLowerCase(java.util.Locale.ROOT), "", sip.medianMillis(), sip.p99Millis());
            medians.put("sip " + mode, sip);
        }
        for (String mode : new String[] { "session", "pager" }) {
            try (ComponentCopier component = new ComponentCopier("disabled", mode, dir.resolve("component"),
                    list.size())) {
                for (int i = 0; i < warmups(list); i++) {
                    component.copy(list.get(i), targets.resolve("warmup"));
                }
                component.clearArrivals();
                long[] nanos = new long[list.size()];
                long start = System.nanoTime();
                for (int i = 0; i < list.size(); i++) {
                    long t = System.nanoTime();
                    component.send(list.get(i));
                    nanos[i] = System.nanoTime() - t;
                }
                component.awaitArrivals(list);
                String name = "component producer alone (template -> msnftp: -> msnftp:* -> file:), " + mode;
                medians.put(mode, small(name, System.nanoTime() - start, nanos));
                verifyAll(files, component.inbox());
            }
        }
        try (ComponentCopier component = new ComponentCopier("disabled", "session", dir.resolve("component"),
                list.size())) {
            for (int i = 0; i < warmups(list); i++) {
                component.copy(list.get(i), targets.resolve("warmup"));
            }
            long total = component.copyAll(list);
            Latency route = small("full route (file: -> msnftp: -> msnftp:* -> file:), session; latency of to()",
                    total, component.producerNanos());
            verifyAll(files, component.inbox());
            double raw = medians.get("raw socket, 64 KiB streams").medianMillis();
            double session = medians.get("MSNFTP session layer, plain").medianMillis();
            out.printf("%nWhere the time of one small file goes (medians, ms):%n");
            out.printf("  TCP connect, %d bytes, close (raw socket)                 %7.3f%n", smallBytes, raw);
            out.printf("  + MSNFTP handshake and BYE (VER, USR, FIL, TFR, BYE)      %7.3f%n", session - raw);
            out.printf("  + SIP signalling, pager mode (INVITE and ACCEPT MESSAGEs)   %7.3f%n",
                    medians.get("pager").medianMillis() - session);
            out.printf("  + SIP signalling, session mode (adds INVITE/ACK and BYE)  %7.3f%n",
                    medians.get("session").medianMillis() - session);
            out.printf("  per file through the whole file route (wall time / files) %7.3f%n",
                    total / 1e6 / list.size());
            out.printf("    of which inside to(msnftp:)                           %7.3f%n", route.medianMillis());
        }
        Measurements.deleteContents(sources);
        Measurements.deleteContents(targets);
    }

    /** Copies before the measured ones, so that the JIT has compiled the path being measured. */
    private static int warmups(List<Path> files) {
        return Math.min(100, files.size());
    }

    private Latency small(String name, long totalNanos, long[] nanos) {
        Latency latency = Latency.of(nanos);
        out.printf("%-72s %9.0f %10.3f %10.3f%n", name, nanos.length / (totalNanos / 1e9), latency.medianMillis(),
                latency.p99Millis());
        return latency;
    }

    private static void verifyAll(Map<Path, Long> files, Path copies) throws IOException {
        for (Map.Entry<Path, Long> file : files.entrySet()) {
            Measurements.verify(file.getKey(), file.getValue(), copies.resolve(file.getKey().getFileName()));
        }
    }
}
