package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.camelmsnftp.testsupport.KamailioExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer's health through camel-health while its registrar, a real Kamailio, goes away and comes back: UP while
 * registered, DOWN with the registrar's last answer (none: it is gone) once a refresh finds it gone, UP again once it is
 * back. Kamailio grants 4 s registrations here so that refreshes come every few seconds.
 */
class MsnftpHealthKamailioTest extends MsnftpTestSupport {

    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension().maxExpires(4);

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        HealthCheckRegistry registry = new DefaultHealthCheckRegistry(context);
        registry.setExposureLevel("full");
        context.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        registry.register(new ConsumersHealthCheckRepository());
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", "bob", 0, "localUser=bob@" + KamailioExtension.DOMAIN + "&registrar=" + KAMAILIO.address()
                                        + "&password=RAW(" + KamailioExtension.PASSWORD + ")")).routeId("bob")
                        .to("mock:received");
            }
        };
    }

    private HealthCheck.Result bob() {
        Map<String, HealthCheck.Result> results = HealthCheckHelper.invoke(context).stream()
                .collect(Collectors.toMap(result -> result.getCheck().getId(), result -> result));
        return results.get("consumer:bob");
    }

    @Test
    void upWhileRegisteredDownWithTheLastAnswerWhileTheRegistrarIsGoneUpAgainWhenItIsBack() throws Exception {
        HealthCheck.Result registered = bob();
        assertThat(registered.getState()).as(registered.getMessage().orElse("")).isEqualTo(HealthCheck.State.UP);
        assertThat(registered.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("bob@" + KamailioExtension.DOMAIN + " is registered at " + KAMAILIO.address()));
        assertThat(registered.getDetails()).containsEntry(MsnftpHealthCheck.REGISTRATION, "REGISTERED")
                .containsEntry(MsnftpHealthCheck.REGISTRAR, KAMAILIO.address())
                .containsKey(MsnftpHealthCheck.LISTENING_POINT);

        KAMAILIO.stop();
        // the next refresh (within 4 s) goes unanswered for the SIP request time-out (10 s)
        // the result that said DOWN is the one checked: a second look may already fall in the next attempt
        AtomicReference<HealthCheck.Result> down = new AtomicReference<>();
        await("DOWN once the registrar is gone").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    HealthCheck.Result now = bob();
                    down.set(now);
                    return now.getState() == HealthCheck.State.DOWN;
                });
        HealthCheck.Result gone = down.get();
        assertThat(gone.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("bob@" + KamailioExtension.DOMAIN + " is not registered at " + KAMAILIO.address())
                .contains("did not answer over UDP", "check the registrar option"));
        // FAILED until the next attempt (1 s later, then 2 s...), REGISTERING during it: DOWN with the last answer
        assertThat(gone.getDetails()).containsEntry(MsnftpHealthCheck.REGISTRAR_ANSWER, "no answer");
        assertThat(gone.getDetails().get(MsnftpHealthCheck.REGISTRATION)).isIn("FAILED", "REGISTERING");
        assertThat(gone.getError()).isPresent();

        KAMAILIO.start();
        await("UP again once the registrar is back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> bob().getState() == HealthCheck.State.UP);
        assertThat(bob().getDetails()).containsEntry(MsnftpHealthCheck.REGISTRATION, "REGISTERED")
                .doesNotContainKey(MsnftpHealthCheck.REGISTRAR_ANSWER);
    }
}
