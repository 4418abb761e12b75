package dev.camelmsnftp.component;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.apache.camel.impl.health.ProducersHealthCheckRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer and producer health checks through camel-health's registry, without a registrar: UP with the
 * listening point; the component's healthCheckConsumerEnabled / healthCheckProducerEnabled turn them off. The
 * registrar's states (registered, gone, back) are tested through Kamailio in MsnftpHealthKamailioTest.
 */
class MsnftpHealthTest extends MsnftpTestSupport {

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        HealthCheckRegistry registry = new DefaultHealthCheckRegistry(context);
        registry.setExposureLevel("full");
        context.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        // what Camel Main sets up with camel.health.enabled=true and camel.health.producers-enabled=true
        registry.register(new ConsumersHealthCheckRepository());
        ProducersHealthCheckRepository producers = new ProducersHealthCheckRepository();
        producers.setCamelContext(context);
        producers.setEnabled(true);
        registry.register(producers);
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "")).routeId("bob").to("mock:received");
                from("direct:send").routeId("alice").to(toBob(""));
            }
        };
    }

    private Map<String, HealthCheck.Result> results() {
        Collection<HealthCheck.Result> all = HealthCheckHelper.invoke(context);
        return all.stream().collect(Collectors.toMap(result -> result.getCheck().getId(), result -> result));
    }

    @Test
    void consumerAndProducerAreUpWithTheirListeningPointAndNoRegistrar() {
        Map<String, HealthCheck.Result> results = results();

        HealthCheck.Result consumer = results.get("consumer:bob");
        assertThat(consumer).as("the route's consumer check, among " + results.keySet()).isNotNull();
        assertThat(consumer.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(consumer.getMessage()).contains("Listening on 127.0.0.1:" + BOB_PORT + "/udp (no registrar configured)");
        assertThat(consumer.getDetails()).containsEntry(MsnftpHealthCheck.LISTENING_POINT, "127.0.0.1:" + BOB_PORT + "/udp")
                .containsEntry(MsnftpHealthCheck.IDENTITY, "bob@corp.example")
                .containsEntry(MsnftpHealthCheck.REGISTRATION, "NOT_CONFIGURED")
                .containsEntry(MsnftpHealthCheck.TRANSFERS_IN_FLIGHT, 0);

        HealthCheck.Result producer = results.values().stream()
                .filter(result -> result.getCheck().getId().startsWith("producer:msnftp-")).findFirst()
                .orElseThrow(() -> new AssertionError("no producer check among " + results.keySet()));
        assertThat(producer.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(producer.getCheck().getId()).contains("bob@127.0.0.1:" + BOB_PORT, "alice@corp.example");
        assertThat(producer.getDetails()).containsEntry(MsnftpHealthCheck.LISTENING_POINT, "127.0.0.1:" + ALICE_PORT + "/udp");
    }

    @Test
    void aStoppedProducerTakesItsCheckAway() throws Exception {
        context.getRouteController().stopRoute("alice");
        assertThat(results().keySet()).noneMatch(id -> id.startsWith("producer:msnftp-"));
    }

    @Test
    void theComponentOptionsTurnTheChecksOff() throws Exception {
        MsnftpComponent component = context.getComponent("msnftp", MsnftpComponent.class);
        component.setHealthCheckConsumerEnabled(false);
        component.setHealthCheckProducerEnabled(false);
        context.getRouteController().stopRoute("bob");
        context.getRouteController().stopRoute("alice");
        context.getRouteController().startRoute("bob");
        context.getRouteController().startRoute("alice");

        Map<String, HealthCheck.Result> results = results();
        HealthCheck.Result consumer = results.get("consumer:bob");
        assertThat(consumer.getDetails()).as("the consumer's own check says it is disabled")
                .containsEntry(HealthCheck.CHECK_ENABLED, false)
                .doesNotContainKey(MsnftpHealthCheck.LISTENING_POINT);
        assertThat(results.values()).filteredOn(result -> result.getCheck().getId().startsWith("producer:msnftp-"))
                .allSatisfy(producer -> assertThat(producer.getCheck().isEnabled()).isFalse());
    }
}
