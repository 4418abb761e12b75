package dev.camelmsnftp.testsupport;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/** Checks that code under test leaves no thread behind. */
public final class Threads {

    private Threads() {
    }

    /** The live threads now. */
    public static Set<Thread> snapshot() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** Waits (bounded) until every thread not in {@code baseline} has ended; fails naming the ones left. */
    public static void awaitNoNewThreads(Set<Thread> baseline, Duration within) {
        awaitNoNewThreads(baseline, within, thread -> false);
    }

    /** The same, not counting the threads {@code tolerated} accepts. */
    public static void awaitNoNewThreads(Set<Thread> baseline, Duration within,
            java.util.function.Predicate<Thread> tolerated) {
        Set<Thread> ignored = new java.util.HashSet<>(baseline);
        try {
            await("threads started by the test to end").atMost(within).pollInSameThread()
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        snapshot().stream().filter(tolerated).forEach(ignored::add);
                        return newThreads(ignored);
                    }, Set::isEmpty);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder where = new StringBuilder(e.getMessage()).append(" Where they are:");
            snapshot().stream().filter(t -> !ignored.contains(t)).forEach(t -> {
                where.append("\n").append(t.getName()).append(':');
                for (StackTraceElement frame : t.getStackTrace()) {
                    where.append("\n    at ").append(frame);
                }
            });
            throw new AssertionError(where.toString(), e);
        }
    }

    public static Set<String> newThreads(Set<Thread> baseline) {
        return snapshot().stream().filter(t -> !baseline.contains(t)).map(Thread::getName).collect(Collectors.toSet());
    }
}
