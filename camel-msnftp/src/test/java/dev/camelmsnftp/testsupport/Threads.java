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
        await("threads started by the test to end").atMost(within).pollInSameThread().pollInterval(Duration.ofMillis(50))
                .until(() -> newThreads(baseline), Set::isEmpty);
    }

    public static Set<String> newThreads(Set<Thread> baseline) {
        return snapshot().stream().filter(t -> !baseline.contains(t)).map(Thread::getName).collect(Collectors.toSet());
    }
}
