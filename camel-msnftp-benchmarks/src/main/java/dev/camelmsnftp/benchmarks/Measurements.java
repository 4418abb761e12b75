package dev.camelmsnftp.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/** Small helpers of the benchmark: test files, checksums, latency statistics, heap watching, free ports. */
final class Measurements {

    private Measurements() {
    }

    /** Writes {@code size} pseudo-random bytes (seeded, incompressible) to {@code file}. */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long left = size; left > 0; ) {
                block.clear();
                while (block.remaining() >= 8) {
                    block.putLong(random.nextLong());
                }
                block.flip().limit((int) Math.min(left, block.limit()));
                left -= block.remaining();
                while (block.hasRemaining()) {
                    out.write(block);
                }
            }
        }
        return file;
    }

    /** One read buffer per thread for {@link #checksum}: a new direct MiB per small file cost more than the check. */
    private static final ThreadLocal<ByteBuffer> CHECKSUM_BUFFERS =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    /** CRC-32C of a file's content, read as a stream. */
    static long checksum(Path file) {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = CHECKSUM_BUFFERS.get();
        try (FileChannel in = FileChannel.open(file)) {
            while (in.read(buffer.clear()) >= 0) {
                crc.update(buffer.flip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crc.getValue();
    }

    /** Fails unless {@code copy} has the size and checksum of {@code original}. */
    static void verify(Path original, long originalChecksum, Path copy) throws IOException {
        if (!Files.isRegularFile(copy) || Files.size(copy) != Files.size(original) || checksum(copy) != originalChecksum) {
            throw new IllegalStateException(copy + " is not an intact copy of " + original);
        }
    }

    static void deleteContents(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Median and 99th percentile, in milliseconds, of latencies given in nanoseconds. */
    record Latency(double medianMillis, double p99Millis) {

        static Latency of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Latency(sorted[sorted.length / 2] / 1e6,
                    sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6);
        }
    }

    /** Minimum, median and maximum of some runs. */
    record Stats(double min, double median, double max) {

        static Stats of(List<Double> values) {
            if (values.isEmpty()) {
                return new Stats(0, 0, 0);
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Stats(sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
        }
    }

    /** The heap in use after full collections: the live data. */
    static long liveHeap() {
        System.gc();
        System.gc();
        return heapAfterLastCollection();
    }

    /**
     * The heap in use when the last collection ended, as each heap pool recorded it then
     * ({@link MemoryPoolMXBean#getCollectionUsage()}). Not the heap's {@code used} read afterwards: with G1 that figure
     * moves in whole regions (1 MiB at {@code -Xmx128m}) as soon as any thread allocates after the collection (the
     * file consumers' polls, SIP timers, the GC notifications themselves), and in the small-files runs it came out
     * 0, 1 or 3 MiB (exactly) above the live heap, at random, the largest part of the "heap+" column.
     */
    static long heapAfterLastCollection() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getCollectionUsage).filter(usage -> usage != null)
                .mapToLong(MemoryUsage::getUsed).sum();
    }

    /** Direct buffers in use (the JVM's "direct" buffer pool), as {@link java.lang.management.BufferPoolMXBean} says. */
    static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** Garbage collections so far, all collectors. */
    static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /**
     * What the whole JVM spent so far: CPU time of all its threads (user and system, ended threads included), and the
     * context switches of the threads alive now (Linux: {@code /proc/self/task/}; a thread that ended takes its count
     * with it). Both ends of every benchmark run in this JVM, so the difference between two readings, per file, is the
     * cost of one transfer on both sides; switches count the times a thread gave up or lost the CPU (a hand-over to
     * another thread, a wait for the network).
     */
    record Work(long cpuNanos, Map<String, Long> switches) {

        static Work now() {
            long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            Map<String, Long> switches = new HashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        long count = 0;
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                                count += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                        switches.put(task.getFileName().toString(), count);
                    } catch (IOException | RuntimeException ended) {
                        // the thread ended while we read
                    }
                }
            } catch (IOException | RuntimeException notLinux) {
                return new Work(cpu, null);
            }
            return new Work(cpu, switches);
        }

        /** CPU milliseconds per item since {@code before}. */
        double cpuMillisPer(Work before, int items) {
            return (cpuNanos - before.cpuNanos) / 1e6 / items;
        }

        /** Context switches per item since {@code before} (threads started since count from zero); -1 if unknown. */
        double switchesPer(Work before, int items) {
            if (switches == null || before.switches == null) {
                return -1;
            }
            long total = 0;
            for (Map.Entry<String, Long> thread : switches.entrySet()) {
                total += Math.max(0, thread.getValue() - before.switches.getOrDefault(thread.getKey(), 0L));
            }
            return total / (double) items;
        }
    }

    /** The 1, 5 and 15 minute load averages of the machine, where Linux tells them. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Watches the heap: the largest heap in use right after a garbage collection (the live set plus what survived),
     * from the JVM's GC notifications. Sampling "used" at random times would mostly measure garbage not yet collected.
     */
    static final class HeapWatch {

        private final AtomicLong maxAfterGc = new AtomicLong();
        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());

        HeapWatch() {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                                .filter(pool -> heapPools.contains(pool.getKey()))
                                .mapToLong(pool -> pool.getValue().getUsed()).sum();
                        maxAfterGc.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }

        /** Collects, then starts a new watch; returns the heap in use after that collection (the idle heap). */
        long reset() {
            System.gc();
            long idle = heapAfterLastCollection();
            maxAfterGc.set(idle);
            return idle;
        }

        /** The largest heap in use after any collection since {@link #reset()}. */
        long peakAfterGc() {
            return maxAfterGc.get();
        }
    }

    /** A port on 127.0.0.1 free for both UDP and TCP (a SIP stack binds both). */
    static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
                    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException inUse) {
                // another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
