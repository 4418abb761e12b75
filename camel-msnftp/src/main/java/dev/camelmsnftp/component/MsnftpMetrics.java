package dev.camelmsnftp.component;

import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@code direction} ({@code send}, {@code receive}). Only {@link MetricsSupport} touches this class, and only when Micrometer is
 * on the class path and a {@link MeterRegistry} is bound, so the component never needs Micrometer.
 */
final class MsnftpMetrics implements TransferListener, AutoCloseable {

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, Meter> byKey = new ConcurrentHashMap<>();

    MsnftpMetrics(MeterRegistry registry, String camelContext, String endpoint, TransferStatistics statistics) {
        this.registry = registry;
        this.tags = Tags.of("camelContext", camelContext, "endpoint", endpoint);
        meters.add(Gauge.builder("msnftp.transfers.inflight", statistics, s -> s.inFlight().size()).tags(tags)
                .description("Transfers offered and not ended").register(registry));
    }

    private String direction(Transfer transfer) {
        return transfer.direction().name().toLowerCase(Locale.ROOT);
    }

    private Counter counter(String name, Transfer transfer, String description) {
        String direction = direction(transfer);
        return (Counter) byKey.computeIfAbsent(name + "|" + direction, key -> {
            Counter counter = Counter.builder(name).tags(tags).tag("direction", direction).description(description)
                    .baseUnit(name.endsWith("bytes") ? "bytes" : null).register(registry);
            meters.add(counter);
            return counter;
        });
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
            Timer timer = (Timer) byKey.computeIfAbsent("duration|" + direction + "|" + outcome, key -> {
                Timer built = Timer.builder("msnftp.transfer.duration").tags(tags).tag("direction", direction)
                        .tag("outcome", outcome).description("From the receiver's acceptance to the end of the transfer")
                        .register(registry);
                meters.add(built);
                return built;
            });
            timer.record(transfer.elapsed().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Removes this endpoint's meters from the registry. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
        byKey.clear();
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
