package dev.camelmsnftp.component;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * An endpoint's transfers as Micrometer meters: counters {@code msnftp.transfers.offered}, {@code .accepted},
 * {@code .rejected}, {@code .completed}, {@code .failed}, {@code msnftp.transfer.bytes}, the timer
 * {@code msnftp.transfer.duration} (from the receiver's acceptance to the end, tag {@code outcome}) and the gauge
 * {@code msnftp.transfers.inflight}; tags {@code camelContext}, {@code endpoint} (scheme and peer, no options) and
 * {@code direction} ({@code send}, {@code receive}). Endpoints whose tags are the same (options differ) share their
 * meters, the gauge counting the transfers of all of them; the last to close removes them. Only {@link MetricsSupport}
 * touches this class, and only when Micrometer is on the class path and a {@link MeterRegistry} is bound, so the
 * component never needs Micrometer.
 */
final class MsnftpMetrics implements TransferListener, AutoCloseable {

    /**
     * The meters of each registry that endpoints hold, by name and tags, with how many endpoints use each: endpoints
     * whose tags are the same (same context, scheme and peer, other options) share one set of meters, and only the
     * last of them to close removes it.
     */
    private static final Map<MeterRegistry, Map<String, Shared>> SHARED = new WeakHashMap<>();

    private final MeterRegistry registry;
    private final Tags tags;
    private final TransferStatistics statistics;
    /** The keys (in {@link #SHARED}) of the meters this endpoint uses. */
    private final List<String> used = new CopyOnWriteArrayList<>();
    private final Map<String, Meter> byKey = new ConcurrentHashMap<>();
    private boolean closed;

    MsnftpMetrics(MeterRegistry registry, String camelContext, String endpoint, TransferStatistics statistics) {
        this.registry = registry;
        this.tags = Tags.of("camelContext", camelContext, "endpoint", endpoint);
        this.statistics = statistics;
        String key = "msnftp.transfers.inflight|" + tags;
        synchronized (SHARED) {
            Shared shared = SHARED.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(key, k -> {
                Shared fresh = new Shared();
                fresh.meter = Gauge.builder("msnftp.transfers.inflight", fresh, Shared::inFlight).tags(tags)
                        .description("Transfers offered and not ended").strongReference(true).register(registry);
                return fresh;
            });
            shared.users++;
            shared.sources.add(statistics);
            used.add(key);
        }
    }

    /** A meter and the endpoints that use it; for the in-flight gauge, their statistics too. */
    private static final class Shared {
        private Meter meter;
        private int users;
        private final List<TransferStatistics> sources = new CopyOnWriteArrayList<>();

        private double inFlight() {
            return sources.stream().mapToInt(source -> source.inFlight().size()).sum();
        }
    }

    /** The meter {@code key} of this endpoint, registered (or taken from another endpoint with the same tags). */
    private Meter meter(String key, java.util.function.Supplier<Meter> register) {
        return byKey.computeIfAbsent(key, k -> {
            String sharedKey = key + "|" + tags;
            synchronized (SHARED) {
                if (closed) {
                    // an event after close: into the meter another endpoint with these tags keeps, else into one that
                    // leaves the registry at once (registering it for good would leak it)
                    Shared live = SHARED.getOrDefault(registry, Map.of()).get(sharedKey);
                    if (live != null) {
                        return live.meter;
                    }
                    Meter detached = register.get();
                    registry.remove(detached);
                    return detached;
                }
                Shared shared = SHARED.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(sharedKey, x -> {
                    Shared fresh = new Shared();
                    fresh.meter = register.get();
                    return fresh;
                });
                shared.users++;
                used.add(sharedKey);
                return shared.meter;
            }
        });
    }

    private String direction(Transfer transfer) {
        return transfer.direction().name().toLowerCase(Locale.ROOT);
    }

    private Counter counter(String name, Transfer transfer, String description) {
        String direction = direction(transfer);
        return (Counter) meter(name + "|" + direction, () -> Counter.builder(name).tags(tags).tag("direction", direction)
                .description(description).baseUnit(name.endsWith("bytes") ? "bytes" : null).register(registry));
    }

    @Override
    public void offered(Transfer transfer) {
        counter("msnftp.transfers.offered", transfer, "Files offered (INVITEs sent or received)").increment();
    }

    @Override
    public void accepted(Transfer transfer) {
        counter("msnftp.transfers.accepted", transfer, "Offers the receiver accepted").increment();
    }

    @Override
    public void finished(Transfer transfer) {
        switch (transfer.state()) {
            case COMPLETED -> counter("msnftp.transfers.completed", transfer, "Transfers completed").increment();
            case REJECTED -> counter("msnftp.transfers.rejected", transfer, "Offers declined before a byte moved")
                    .increment();
            default -> counter("msnftp.transfers.failed", transfer, "Transfers that did not complete").increment();
        }
        if (transfer.bytes() > 0) {
            counter("msnftp.transfer.bytes", transfer, "Bytes of file data moved").increment(transfer.bytes());
        }
        if (transfer.state() != Transfer.State.REJECTED && !transfer.elapsed().isZero()) {
            String outcome = transfer.state().name().toLowerCase(Locale.ROOT);
            String direction = direction(transfer);
            Timer timer = (Timer) meter("msnftp.transfer.duration|" + direction + "|" + outcome,
                    () -> Timer.builder("msnftp.transfer.duration").tags(tags).tag("direction", direction)
                            .tag("outcome", outcome).description("From the receiver's acceptance to the end of the transfer")
                            .register(registry));
            timer.record(transfer.elapsed().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Gives back this endpoint's meters: those no other endpoint with the same tags uses leave the registry. */
    @Override
    public void close() {
        synchronized (SHARED) {
            if (closed) {
                return;
            }
            closed = true;
            Map<String, Shared> ofRegistry = SHARED.get(registry);
            for (String key : used) {
                Shared shared = ofRegistry == null ? null : ofRegistry.get(key);
                if (shared == null) {
                    continue;
                }
                shared.sources.remove(statistics);
                if (--shared.users == 0) {
                    ofRegistry.remove(key);
                    registry.remove(shared.meter);
                }
            }
            if (ofRegistry != null && ofRegistry.isEmpty()) {
                SHARED.remove(registry);
            }
            used.clear();
            byKey.clear();
        }
    }

    /**
     * Meters for {@code endpoint} when a {@code MeterRegistry} is bound in the Camel registry (camel-micrometer binds
     * one); null otherwise. Call only through {@link MetricsSupport}, which checks that Micrometer is there.
     */
    static MsnftpMetrics forEndpoint(MsnftpEndpoint endpoint, TransferStatistics statistics) {
        MeterRegistry registry = endpoint.getCamelContext().getRegistry().findSingleByType(MeterRegistry.class);
        return registry == null ? null
                : new MsnftpMetrics(registry, endpoint.getCamelContext().getName(), endpoint.getEndpointBaseUri(),
                        statistics);
    }
}
