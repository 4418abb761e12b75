package dev.camelmsnftp.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import dev.camelmsnftp.benchmarks.Measurements.HeapWatch;
import dev.camelmsnftp.benchmarks.Measurements.Latency;
import dev.camelmsnftp.benchmarks.Measurements.Stats;
import dev.camelmsnftp.benchmarks.Measurements.Work;
import dev.camelmsnftp.benchmarks.SessionLayerCopier.Variant;
import dev.camelmsnftp.sip.SipMode;

/**
 * Throughput, latency and memory of camel-msnftp next to a raw TCP socket, camel-ftp and camel-sftp, in one run on
 * loopback. Every copier is opened once and they take turns run by run (interleaved), so that drift in the machine
 * spreads over all of them; every row prints min, median and max over the runs. Every copy is verified by size and
 * CRC-32C. Settings are system properties:
 * <ul>
 * <li>{@code bench.dir} (target/bench): where the files go;</li>
 * <li>{@code bench.largeMiB} (1024): the large file; {@code bench.runs} (5; 0 skips): runs per copier;</li>
 * <li>{@code bench.smallCount} (1000), {@code bench.smallKiB} (4), {@code bench.smallRuns} (3; 0 skips): the small
 * files, sent one after the other, and 8 at a time through one route; {@code bench.warmupFiles} (1000): small files
 * through each copier before those runs;</li>
 * <li>{@code bench.sustainedCount} (10000; 0 skips): small files sent one after the other through the component,
 * watching the heap, then through camel-ftp: the two rates nearest a steady state that this run gets;</li>
 * <li>{@code bench.hugeMiB} (4096; 0 skips; the largest size MSNFTP can announce is 4 GiB - 1 byte): one more large-file
 * run of the baseline and the component, when the disk has room for three copies;</li>
 * <li>{@code bench.only} (all): only the rows whose key contains one of these comma-separated words, with the
 * baseline (for example {@code encrypted} or {@code producer,camel-ftp}; {@code sustained} for the sustained run).</li>
 * </ul>
 */
public final class Benchmark {

    private static final long MIB = 1L << 20;
    private static final String BASELINE = "baseline";

    private final Path dir;
    private final long largeBytes;
    private final int runs;
    private final int smallCount;
    private final int smallBytes;
    private final int smallRuns;
    private final int sustainedCount;
    private final long hugeBytes;
    private final PrintStream out;
    private final HeapWatch heap = new HeapWatch();
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-sender");
        thread.setDaemon(true);
        return thread;
    });

    Benchmark(Path dir, long largeBytes, int runs, int smallCount, int smallBytes, int smallRuns, int sustainedCount,
              long hugeBytes, PrintStream out) {
        this.dir = dir;
        this.largeBytes = largeBytes;
        this.runs = runs;
        this.smallCount = smallCount;
        this.smallBytes = smallBytes;
        this.smallRuns = smallRuns;
        this.sustainedCount = sustainedCount;
        this.hugeBytes = hugeBytes;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath(),
                Long.getLong("bench.largeMiB", 1024) * MIB, Integer.getInteger("bench.runs", 5),
                Integer.getInteger("bench.smallCount", 1000), Integer.getInteger("bench.smallKiB", 4) * 1024,
                Integer.getInteger("bench.smallRuns", 3), Integer.getInteger("bench.sustainedCount", 10_000),
                Math.min(Long.getLong("bench.hugeMiB", 4096) * MIB, 0xFFFF_FFFFL), System.out).run();
        System.exit(0);
    }

    void run() throws Exception {
        Measurements.deleteContents(dir);
        machine();
        if (runs > 0) {
            largeFile("Large file", largeBytes, runs, selected(largeCopiers()));
        }
        if (smallRuns > 0) {
            smallFiles();
        }
        if (sustainedCount > 0 && selected(Map.of("sustained", 0)).containsKey("sustained")) {
            sustained();
        }
        if (hugeBytes > 0) {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free > 3 * hugeBytes + 1024 * MIB) {
                Map<String, CopierFactory> huge = new LinkedHashMap<>();
                huge.put(BASELINE, () -> new RawSocketCopier(true, executor));
                huge.put("plain", () -> new ComponentCopier("disabled", "session", dir.resolve("component-plain"), 1));
                largeFile("Huge file (the largest MSNFTP can announce)", hugeBytes, 1, huge);
            } else {
                out.printf("%nHuge file skipped: %,d MiB free in %s, %,d MiB needed%n", free / MIB, dir,
                        (3 * hugeBytes) / MIB);
            }
        }
        out.printf("%nload average at the end: %s%n", Measurements.loadAverage());
        executor.shutdownNow();
        Measurements.deleteContents(dir);
    }

    /**
     * The copiers named (in part) by {@code bench.only}, a comma-separated list, and the baseline; all when it is not
     * set. For looking at a few rows without the whole run; the published figures come from a whole run.
     */
    private static <T> Map<String, T> selected(Map<String, T> all) {
        String only = System.getProperty("bench.only", "").trim();
        if (only.isEmpty()) {
            return all;
        }
        List<String> wanted = List.of(only.split(","));
        Map<String, T> kept = new LinkedHashMap<>();
        all.forEach((key, value) -> {
            if (key.equals(BASELINE) || key.equals("raw") || wanted.stream().anyMatch(w -> key.contains(w.trim()))) {
                kept.put(key, value);
            }
        });
        return kept;
    }

    interface CopierFactory {
        Copier create() throws Exception;
    }

    interface SenderFactory {
        FileSender create() throws Exception;
    }

    private Map<String, CopierFactory> largeCopiers() {
        Map<String, CopierFactory> copiers = new LinkedHashMap<>();
        copiers.put(BASELINE, () -> new RawSocketCopier(true, executor));
        copiers.put("streams", () -> new RawSocketCopier(false, executor));
        copiers.put("session plain", () -> new SessionLayerCopier(Variant.PLAIN, executor));
        copiers.put("session encrypted as before", () -> new SessionLayerCopier(Variant.ENCRYPTED_AS_BEFORE, executor));
        copiers.put("session encrypted one thread", () -> new SessionLayerCopier(Variant.ENCRYPTED_ONE_THREAD, executor));
        copiers.put("session encrypted", () -> new SessionLayerCopier(Variant.ENCRYPTED, executor));
        copiers.put("component plain", () -> new ComponentCopier("disabled", "session", dir.resolve("component-plain"), 1));
        copiers.put("component encrypted",
                () -> new ComponentCopier("auto", "session", dir.resolve("component-encrypted"), 1));
        copiers.put("camel-ftp", () -> new ServerCopier(ServerCopier.Kind.FTP, dir.resolve("ftp")));
        copiers.put("camel-sftp", () -> new ServerCopier(ServerCopier.Kind.SFTP, dir.resolve("sftp")));
        return copiers;
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
        out.printf("load average at the start: %s%n", Measurements.loadAverage());
        out.printf("files in %s (page cache warm: the disk is not measured)%n", dir);
    }

    /** Copies one file of {@code size} bytes with each copier, {@code count} times in turns; prints MB/s and memory. */
    private void largeFile(String title, long size, int count, Map<String, CopierFactory> factories) throws Exception {
        Path source = Measurements.randomFile(dir.resolve("large.bin"), size, 42);
        long checksum = Measurements.checksum(source);
        Path warmup = Measurements.randomFile(dir.resolve("warmup.bin"), Math.min(size, 64 * MIB), 7);
        Path target = dir.resolve("copy.bin");
        out.printf("%n%s: %,d bytes, %d run(s) each, taking turns, after a 64 MiB warm-up; MB/s = 10^6 bytes/s%n",
                title, size, count);
        out.printf("%-66s %7s %7s %7s %8s %10s %10s%n", "", "min", "median", "max", "vs base", "heap+", "direct+");
        Map<String, Copier> copiers = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, CopierFactory> factory : factories.entrySet()) {
                copiers.put(factory.getKey(), factory.getValue().create());
            }
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            Map<String, long[]> memory = new LinkedHashMap<>();
            for (Map.Entry<String, Copier> copier : copiers.entrySet()) {
                copier.getValue().copy(warmup, target);
                rates.put(copier.getKey(), new ArrayList<>());
                memory.put(copier.getKey(), new long[2]);
            }
            for (int run = 0; run < count; run++) {
                for (Map.Entry<String, Copier> copier : copiers.entrySet()) {
                    Files.deleteIfExists(target);
                    long idle = heap.reset();
                    long idleDirect = Measurements.directMemory();
                    long start = System.nanoTime();
                    copier.getValue().copy(source, target);
                    long nanos = System.nanoTime() - start;
                    long[] held = memory.get(copier.getKey());
                    held[0] = Math.max(held[0], heap.peakAfterGc() - idle);
                    held[1] = Math.max(held[1], Measurements.directMemory() - idleDirect);
                    Measurements.verify(source, checksum, target);
                    rates.get(copier.getKey()).add(size / 1e6 / (nanos / 1e9));
                }
            }
            // the faster raw copy of this run: sendfile out and a direct buffer in was meant to be the strongest, but
            // on the 2-core VM the 64 KiB streams were faster in most runs (and sendfile varied 2-3x run to run)
            String base = BASELINE;
            if (rates.containsKey("streams")
                && Stats.of(rates.get("streams")).median() > Stats.of(rates.get(BASELINE)).median()) {
                base = "streams";
            }
            double baseline = Stats.of(rates.get(base)).median();
            for (Map.Entry<String, Copier> copier : copiers.entrySet()) {
                Stats stats = Stats.of(rates.get(copier.getKey()));
                long[] held = memory.get(copier.getKey());
                out.printf("%-66s %7.0f %7.0f %7.0f %7.0f%% %6.1f MiB %6.1f MiB%n", copier.getValue().name(), stats.min(),
                        stats.median(), stats.max(), 100 * stats.median() / baseline, held[0] / (double) MIB,
                        held[1] / (double) MIB);
            }
            out.printf("  vs base: against the faster raw copy of this run, %s%n", copiers.get(base).name());
            ratio(rates, "session encrypted", "session encrypted as before");
            ratio(rates, "session encrypted one thread", "session encrypted as before");
            ratio(rates, "component encrypted", "session encrypted as before");
            ratio(rates, "component encrypted", "camel-sftp");
            ratio(rates, "component plain", "camel-ftp");
        } finally {
            for (Copier copier : copiers.values()) {
                copier.close();
            }
        }
        Files.deleteIfExists(target);
        Files.deleteIfExists(warmup);
        Files.deleteIfExists(source);
    }

    private void ratio(Map<String, List<Double>> values, String what, String against) {
        if (values.containsKey(what) && values.containsKey(against) && !values.get(what).isEmpty()
            && !values.get(against).isEmpty()) {
            out.printf("  %s / %s: %.2fx (medians)%n", what, against,
                    Stats.of(values.get(what)).median() / Stats.of(values.get(against)).median());
        }
    }

    private void smallFiles() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("small"));
        Map<Path, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < smallCount; i++) {
            Path file = Measurements.randomFile(sources.resolve(String.format("f%05d.bin", i)), smallBytes, i);
            files.put(file, Measurements.checksum(file));
        }
        List<Path> list = List.copyOf(files.keySet());
        Path copies = Files.createDirectories(dir.resolve("small-copies"));

        Map<String, SenderFactory> factories = new LinkedHashMap<>();
        factories.put("raw", () -> new CopierSender(new RawSocketCopier(false, executor), copies));
        factories.put("session", () -> new CopierSender(new SessionLayerCopier(Variant.PLAIN, executor), copies));
        factories.put("producer session", () -> new ComponentCopier("disabled", "session", dir.resolve("c-session"),
                list.size()));
        factories.put("producer pager", () -> new ComponentCopier("disabled", "pager", dir.resolve("c-pager"),
                list.size()));
        factories.put("producer tcp", () -> new ComponentCopier("disabled", "session", "tcp", dir.resolve("c-tcp"),
                list.size()));
        factories.put("route", () -> new ComponentCopier("disabled", "session", dir.resolve("c-route"), list.size()));
        factories.put("camel-ftp", () -> new ServerCopier(ServerCopier.Kind.FTP, dir.resolve("s-ftp")));
        factories.put("camel-sftp", () -> new ServerCopier(ServerCopier.Kind.SFTP, dir.resolve("s-sftp")));
        Map<String, String> names = new LinkedHashMap<>();
        names.put("raw", "raw socket (connect, " + smallBytes / 1024 + " KiB, close)");
        names.put("session", "MSNFTP session layer (connect, handshake, file, BYE)");
        names.put("producer session", "msnftp producer (template -> msnftp: ... -> file:), session mode");
        names.put("producer pager", "msnftp producer, pager mode");
        names.put("producer tcp", "msnftp producer, session mode, SIP over TCP");
        names.put("route", "full route (file: -> msnftp: -> msnftp:* -> file:), session mode");
        names.put("concurrent", "msnftp, " + ComponentCopier.CONCURRENT + " in flight from one route (seda -> msnftp:)");
        names.put("camel-ftp", "camel-ftp producer to Apache FtpServer");
        names.put("camel-sftp", "camel-sftp producer to Apache MINA SSHD (aes128-gcm)");

        out.printf("%nSmall files: %d x %,d bytes, one after the other (concurrent: %d in flight), %d run(s) each, taking"
                   + " turns after %d warm-up files; live heap and direct memory after each run, minus before it%n",
                smallCount, smallBytes, ComponentCopier.CONCURRENT, smallRuns,
                Integer.getInteger("bench.warmupFiles", WARM_UP_FILES));
        out.printf("%-70s %6s %6s %6s %8s %8s %7s %8s %9s %9s%n", "files/s:", "min", "median", "max", "med ms", "p99 ms",
                "cpu ms", "switches", "heap+", "direct+");
        Map<String, FileSender> senders = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, SenderFactory> factory : selected(factories).entrySet()) {
                FileSender sender = factory.getValue().create();
                senders.put(factory.getKey(), sender);
                warmUp(sender, list);
            }
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            Map<String, List<long[]>> latencies = new LinkedHashMap<>();
            Map<String, long[]> memory = new LinkedHashMap<>();
            Map<String, List<double[]>> work = new LinkedHashMap<>();
            for (String key : names.keySet()) {
                work.put(key, new ArrayList<>());
                rates.put(key, new ArrayList<>());
                latencies.put(key, new ArrayList<>());
                memory.put(key, new long[2]);
            }
            for (int run = 0; run < smallRuns; run++) {
                for (Map.Entry<String, FileSender> entry : senders.entrySet()) {
                    String key = entry.getKey();
                    FileSender sender = entry.getValue();
                    sender.clearArrivals();
                    long idle = Measurements.liveHeap();
                    long idleDirect = Measurements.directMemory();
                    long total;
                    long[] nanos;
                    Work before = Work.now();
                    if (key.equals("route")) {
                        ComponentCopier route = (ComponentCopier) sender;
                        total = route.copyAll(list);
                        nanos = route.producerNanos();
                    } else {
                        nanos = new long[list.size()];
                        long start = System.nanoTime();
                        for (int i = 0; i < list.size(); i++) {
                            long t = System.nanoTime();
                            sender.send(list.get(i));
                            nanos[i] = System.nanoTime() - t;
                        }
                        sender.awaitArrivals(list);
                        total = System.nanoTime() - start;
                    }
                    work.get(key).add(perFile(before, list.size()));
                    record(key, list.size(), total, nanos, idle, idleDirect, rates, latencies, memory);
                    verifyAll(files, sender.received());
                    Measurements.deleteContents(sender.received());
                    if (key.equals("producer session")) {
                        // the concurrent case, on the same agents: 8 transfers in flight from one route
                        ComponentCopier component = (ComponentCopier) sender;
                        long idleConcurrent = Measurements.liveHeap();
                        long idleConcurrentDirect = Measurements.directMemory();
                        Work beforeBurst = Work.now();
                        long burst = component.burst(list);
                        work.get("concurrent").add(perFile(beforeBurst, list.size()));
                        record("concurrent", list.size(), burst, null, idleConcurrent, idleConcurrentDirect, rates, latencies,
                                memory);
                        verifyAll(files, sender.received());
                        Measurements.deleteContents(sender.received());
                    }
                }
            }
            for (Map.Entry<String, String> row : names.entrySet()) {
                if (rates.get(row.getKey()).isEmpty()) {
                    continue;
                }
                Stats stats = Stats.of(rates.get(row.getKey()));
                long[] held = memory.get(row.getKey());
                List<long[]> all = latencies.get(row.getKey());
                String median = "";
                String p99 = "";
                if (!all.isEmpty()) {
                    Latency latency = Latency.of(all.stream().flatMapToLong(java.util.Arrays::stream).toArray());
                    median = String.format(Locale.ROOT, "%.2f", latency.medianMillis());
                    p99 = String.format(Locale.ROOT, "%.2f", latency.p99Millis());
                }
                Stats cpu = Stats.of(work.get(row.getKey()).stream().map(w -> w[0]).toList());
                Stats switches = Stats.of(work.get(row.getKey()).stream().map(w -> w[1]).toList());
                out.printf("%-70s %6.0f %6.0f %6.0f %8s %8s %7.2f %8s %5.1f MiB %5.1f MiB%n", row.getValue(), stats.min(),
                        stats.median(), stats.max(), median, p99, cpu.median(),
                        switches.median() < 0 ? "" : String.format(Locale.ROOT, "%.0f", switches.median()),
                        held[0] / (double) MIB, held[1] / (double) MIB);
            }
            ratio(rates, "producer session", "camel-ftp");
            ratio(rates, "producer pager", "camel-ftp");
            ratio(rates, "route", "camel-ftp");
            ratio(rates, "producer session", "camel-sftp");
            ratio(rates, "concurrent", "producer session");
            whereTheTimeGoes(list, latencies);
        } finally {
            for (FileSender sender : senders.values()) {
                sender.close();
            }
        }
        Measurements.deleteContents(sources);
        Measurements.deleteContents(copies);
    }

    /** CPU milliseconds and context switches per file since {@code before}, both ends together. */
    private static double[] perFile(Work before, int files) {
        Work after = Work.now();
        return new double[] {after.cpuMillisPer(before, files), after.switchesPer(before, files)};
    }

    private static void record(String key, int count, long total, long[] nanos, long idle, long idleDirect,
                               Map<String, List<Double>> rates, Map<String, List<long[]>> latencies,
                               Map<String, long[]> memory) {
        long[] held = memory.get(key);
        held[0] = Math.max(held[0], Measurements.liveHeap() - idle);
        held[1] = Math.max(held[1], Measurements.directMemory() - idleDirect);
        if (nanos != null) {
            latencies.get(key).add(nanos);
        }
        rates.get(key).add(count / (total / 1e9));
    }

    private void whereTheTimeGoes(List<Path> list, Map<String, List<long[]>> latencies) throws Exception {
        Map<String, Double> medians = new LinkedHashMap<>();
        latencies.forEach((key, all) -> {
            if (!all.isEmpty()) {
                medians.put(key, Latency.of(all.stream().flatMapToLong(java.util.Arrays::stream).toArray())
                        .medianMillis());
            }
        });
        if (!medians.keySet().containsAll(List.of("raw", "session", "producer pager", "producer session"))) {
            return;
        }
        for (SipMode mode : SipMode.values()) {
            SipRoundTrip.measure(mode, warmups(list));
            Latency sip = SipRoundTrip.measure(mode, list.size());
            medians.put("sip " + mode, sip.medianMillis());
        }
        double raw = medians.get("raw");
        double session = medians.get("session");
        out.printf("%nWhere the time of one small file goes (medians, ms):%n");
        out.printf("  TCP connect, %d bytes, close (raw socket)                        %7.3f%n", smallBytes, raw);
        out.printf("  + MSNFTP handshake and BYE (VER, USR, FIL, TFR, BYE)             %7.3f%n", session - raw);
        out.printf("  + SIP signalling and hand-overs, pager mode                      %7.3f%n",
                medians.get("producer pager") - session);
        out.printf("  + SIP signalling and hand-overs, session mode                    %7.3f%n",
                medians.get("producer session") - session);
        out.printf("  one SIP MESSAGE and its 200 alone, agent to agent, pager         %7.3f%n", medians.get("sip PAGER"));
        out.printf("  one SIP MESSAGE and its 200 alone, agent to agent, in a session  %7.3f%n",
                medians.get("sip SESSION"));
    }

    /**
     * Sends {@code sustainedCount} small files one after the other through the component and watches the heap: the
     * largest live heap after any collection, the collections, and the live heap when they are done. Then the same
     * files through camel-ftp: by then the JVM has run every small-file row, so the two rates are the nearest this
     * benchmark comes to a steady state (the small-file rows' 1000 files are too few for the JIT to be done).
     */
    private void sustained() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("sustained"));
        int distinct = Math.min(sustainedCount, 1000);
        Map<Path, Long> files = new LinkedHashMap<>();
        for (int i = 0; i < distinct; i++) {
            Path file = Measurements.randomFile(sources.resolve(String.format("s%05d.bin", i)), smallBytes, i);
            files.put(file, Measurements.checksum(file));
        }
        List<Path> list = List.copyOf(files.keySet());
        double component;
        try (ComponentCopier copier = new ComponentCopier("disabled", "session", dir.resolve("c-sustained"),
                sustainedCount)) {
            warmUp(copier, list);
            long idle = heap.reset();
            long idleDirect = Measurements.directMemory();
            long collections = Measurements.collections();
            Work before = Work.now();
            long nanos = sendAll(copier, list);
            double[] work = perFile(before, sustainedCount);
            long peak = heap.peakAfterGc();
            long gcs = Measurements.collections() - collections;
            long live = Measurements.liveHeap();
            component = sustainedCount / (nanos / 1e9);
            out.printf("%nSustained: %,d small files one after the other, each path after %d warm-up files%n",
                    sustainedCount, Integer.getInteger("bench.warmupFiles", WARM_UP_FILES));
            out.printf("  %-48s %6.0f files/s, %5.2f cpu ms and %3.0f switches per file%n",
                    "msnftp producer (session mode):", component, work[0], work[1]);
            out.printf("  heap: idle %.1f MiB, largest after any collection %.1f MiB of %d MiB, %d collections,"
                       + " live when done %.1f MiB (%+.1f MiB); direct memory %+.1f MiB%n", idle / (double) MIB,
                    peak / (double) MIB, Runtime.getRuntime().maxMemory() / MIB, gcs, live / (double) MIB,
                    (live - idle) / (double) MIB, (Measurements.directMemory() - idleDirect) / (double) MIB);
            verifyAll(files, copier.inbox());
        }
        try (ServerCopier ftp = new ServerCopier(ServerCopier.Kind.FTP, dir.resolve("s-sustained"))) {
            warmUp(ftp, list);
            Work before = Work.now();
            long nanos = sendAll(ftp, list);
            double[] work = perFile(before, sustainedCount);
            double rate = sustainedCount / (nanos / 1e9);
            out.printf("  %-48s %6.0f files/s, %5.2f cpu ms and %3.0f switches per file%n",
                    "camel-ftp producer, the same files after it:", rate, work[0], work[1]);
            out.printf("  sustained msnftp / camel-ftp: %.2fx%n", component / rate);
            verifyAll(files, ftp.received());
        }
        Measurements.deleteContents(sources);
    }

    /** Sends {@code sustainedCount} files one after the other, the list over again as often as needed; nanoseconds. */
    private long sendAll(FileSender sender, List<Path> list) throws Exception {
        long start = System.nanoTime();
        for (int sent = 0; sent < sustainedCount; sent += list.size()) {
            List<Path> pass = list.subList(0, Math.min(list.size(), sustainedCount - sent));
            sender.clearArrivals();
            for (Path file : pass) {
                sender.send(file);
            }
            sender.awaitArrivals(pass);
        }
        return System.nanoTime() - start;
    }

    /**
     * Small files through each copier before the small-files runs: JAIN-SIP, Camel and the component are much more code
     * than a raw socket, and after 100 files the JIT was still compiling a fifth of the time; the same for every row.
     */
    private static final int WARM_UP_FILES = 1000;

    private static int warmups(List<Path> files) {
        return Math.min(100, files.size());
    }

    /**
     * Sends {@code bench.warmupFiles} files (default {@value #WARM_UP_FILES}) through {@code sender} before anything is
     * measured, the list over again as often as needed, and removes the copies.
     */
    private static void warmUp(FileSender sender, List<Path> list) throws Exception {
        int left = Integer.getInteger("bench.warmupFiles", WARM_UP_FILES);
        while (left > 0) {
            List<Path> chunk = list.subList(0, Math.min(left, list.size()));
            for (Path file : chunk) {
                sender.send(file);
            }
            sender.awaitArrivals(chunk);
            sender.clearArrivals();
            Measurements.deleteContents(sender.received());
            left -= chunk.size();
        }
    }

    private static void verifyAll(Map<Path, Long> files, Path copies) throws IOException {
        for (Map.Entry<Path, Long> file : files.entrySet()) {
            Measurements.verify(file.getKey(), file.getValue(), copies.resolve(file.getKey().getFileName()));
        }
    }

    /** A {@link Copier} as a {@link FileSender}: each file copied into {@code copies} at once. */
    private record CopierSender(Copier copier, Path copies) implements FileSender {

        @Override
        public String name() {
            return copier.name();
        }

        @Override
        public void send(Path file) throws Exception {
            copier.copy(file, copies.resolve(file.getFileName()));
        }

        @Override
        public void awaitArrivals(List<Path> files) {
        }

        @Override
        public void clearArrivals() {
        }

        @Override
        public Path received() {
            return copies;
        }

        @Override
        public void close() throws Exception {
            copier.close();
        }
    }
}
