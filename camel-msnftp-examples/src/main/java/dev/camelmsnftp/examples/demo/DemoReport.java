package dev.camelmsnftp.examples.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the demo saw: a progress line per file sent and received, and a summary at the end. */
public final class DemoReport {

    /** One file alice sent, as her producer reported it. */
    public record Sent(String name, long size, long byeCode, boolean encrypted, long nanos) {

        double megabytesPerSecond() {
            return nanos == 0 ? 0 : size / 1e6 / (nanos / 1e9);
        }
    }

    private final int expected;
    private final PrintStream out;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private final AtomicInteger sentCount = new AtomicInteger();
    private final AtomicInteger receivedCount = new AtomicInteger();
    private final CountDownLatch done;

    public DemoReport(int expected, PrintStream out) {
        this.expected = expected;
        this.out = out;
        this.done = new CountDownLatch(2 * expected);
    }

    void sent(String name, long size, long byeCode, boolean encrypted, long nanos) {
        Sent result = new Sent(name, size, byeCode, encrypted, nanos);
        sent.put(name, result);
        out.printf("[%d/%d] alice sent      %-38s %,11d bytes in %,6.1f ms, BYE %d%n", sentCount.incrementAndGet(),
                expected, quoted(name), size, nanos / 1e6, byeCode);
        done.countDown();
    }

    void received(String name, String from) {
        received.put(name, from);
        out.printf("[%d/%d] bob received    %-38s from %s%n", receivedCount.incrementAndGet(), expected, quoted(name),
                from);
        done.countDown();
    }

    /** Waits until every file was both sent and received, or the time is up. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    public Map<String, Sent> sent() {
        return Map.copyOf(sent);
    }

    public Map<String, String> received() {
        return Map.copyOf(received);
    }

    /** Prints one summary row per file; {@code intact} says whether its copy in the inbox matched the original. */
    void summary(List<String> names, Map<String, Boolean> intact) {
        out.println();
        out.printf("%-38s %11s %10s %9s %9s %8s  %s%n", "file", "bytes", "BYE code", "encrypted", "ms", "MB/s",
                "in bob's inbox");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        for (String name : sorted) {
            Sent result = sent.get(name);
            String check = Boolean.TRUE.equals(intact.get(name)) ? "intact (SHA-256 equal)" : "MISSING OR DIFFERENT";
            if (result == null) {
                out.printf("%-38s %11s %10s %9s %9s %8s  %s%n", quoted(name), "-", "-", "-", "-", "-", check);
            } else {
                out.printf("%-38s %,11d %10d %9s %,9.1f %8.1f  %s%n", quoted(name), result.size(), result.byeCode(),
                        result.encrypted() ? "yes" : "no", result.nanos() / 1e6, result.megabytesPerSecond(), check);
            }
        }
    }

    private static String quoted(String name) {
        return "'" + name + "'";
    }
}
