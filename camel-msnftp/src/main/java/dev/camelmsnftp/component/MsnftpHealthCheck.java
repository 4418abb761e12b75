package dev.camelmsnftp.component;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.camelmsnftp.sip.RegistrationState;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipAgentException;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of the SIP agent a consumer or producer works through: UP while it listens and, with a registrar, is
 * registered; DOWN with the registrar's last answer (a refusal such as 401 or 403, or no answer at all) while it is
 * not, or when the agent is not running. Details name the user, the listening point, the registrar and the transfers
 * in flight. Registered by {@link MsnftpConsumer} (as camel-kafka does, in the consumers' repository, enabled by
 * {@code healthCheckConsumerEnabled}) and {@link MsnftpProducer} (producers' repository, {@code healthCheckProducerEnabled}).
 */
final class MsnftpHealthCheck extends AbstractHealthCheck {

    static final String IDENTITY = "msnftp.identity";
    static final String LISTENING_POINT = "msnftp.listeningPoint";
    static final String REGISTRAR = "msnftp.registrar";
    static final String REGISTRATION = "msnftp.registration";
    static final String REGISTRAR_ANSWER = "msnftp.registrarAnswer";
    static final String TRANSFERS_IN_FLIGHT = "msnftp.transfersInFlight";

    private final Supplier<SharedAgent> agent;

    MsnftpHealthCheck(String id, Supplier<SharedAgent> agent) {
        super("camel", id);
        this.agent = agent;
    }

    @Override
    public boolean isLiveness() {
        // a lost registration makes the route unable to work, not the JVM worth restarting
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SharedAgent shared = agent.get();
        if (shared == null || !shared.agent().isRunning()) {
            builder.down().message("The SIP agent is not running");
            return;
        }
        SipAgent sip = shared.agent();
        SipAgentConfig config = sip.config();
        String listening = sip.advertisedHost() + ":" + sip.localPort() + "/" + config.transport().wireName();
        builder.detail(IDENTITY, config.localUser().addressOfRecord());
        builder.detail(LISTENING_POINT, listening);
        builder.detail(TRANSFERS_IN_FLIGHT, shared.transfers().activeTransfers());
        RegistrationState state = sip.registrationState();
        builder.detail(REGISTRATION, state.name());
        if (state == RegistrationState.NOT_CONFIGURED) {
            builder.up().message("Listening on " + listening + " (no registrar configured)");
            return;
        }
        String registrar = config.registrar().map(Object::toString).orElse("?");
        builder.detail(REGISTRAR, registrar);
        Optional<SipAgentException> failure = sip.registrationFailure();
        failure.ifPresent(why -> builder.detail(REGISTRAR_ANSWER, answer(why)));
        boolean registered = state == RegistrationState.REGISTERED
                             || state == RegistrationState.REGISTERING && failure.isEmpty();
        if (registered) {
            builder.up().message(config.localUser().addressOfRecord() + " is registered at " + registrar + ", listening on "
                                 + listening);
        } else {
            builder.down().message(config.localUser().addressOfRecord() + " is not registered at " + registrar + " ("
                                   + state + "): " + failure.map(Throwable::getMessage).orElse("no answer yet"));
            failure.ifPresent(builder::error);
        }
    }

    /** The registrar's last answer: its status line, or what happened instead (no answer, not reachable). */
    private static String answer(SipAgentException failure) {
        if (failure.status().isPresent()) {
            return Integer.toString(failure.status().getAsInt());
        }
        return switch (failure.kind()) {
            case TIMEOUT -> "no answer";
            case TRANSPORT -> "not reachable";
            case STOPPED -> "stopped";
            default -> failure.kind().name();
        };
    }
}
