package dev.camelmsnftp.component;

import java.time.Duration;

import dev.camelmsnftp.sip.SipAgentConfig;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code registerExpires} and {@code keepAliveInterval} reach the SIP agent's settings (what the agent does with them is
 * shown on the wire by {@code SipAgentRegistrationTest}, and against a restarted Kamailio by
 * {@code SipAgentRegistrarRestartTest}); a value that cannot be meant fails when the endpoint is created, naming the
 * option. Endpoints are only created, never started, so nothing binds a port.
 */
class MsnftpRegistrationOptionsTest extends CamelTestSupport {

    private SipAgentConfig agentConfigOf(String options) throws Exception {
        return context.getEndpoint("msnftp:bob@example.test?identity=alice@example.test&registrar=127.0.0.1:5060"
                                   + (options.isEmpty() ? "" : "&" + options), MsnftpEndpoint.class)
                .getConfiguration().sipAgentConfig(null, context);
    }

    @Test
    void theDefaultsAreTenMinutesAndAFifteenSecondKeepAlive() throws Exception {
        SipAgentConfig config = agentConfigOf("");
        assertThat(config.registrationExpiry()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.keepAliveInterval()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theOptionsReachTheAgent() throws Exception {
        SipAgentConfig config = agentConfigOf("registerExpires=2m&keepAliveInterval=5s");
        assertThat(config.registrationExpiry()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.keepAliveInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(agentConfigOf("keepAliveInterval=0").keepAliveInterval()).as("0 turns it off").isZero();
    }

    @Test
    void theComponentWideValueIsTheEndpointsDefault() throws Exception {
        context.getComponent("msnftp", MsnftpComponent.class).getConfiguration().setRegisterExpires(3_600_000);
        assertThat(agentConfigOf("").registrationExpiry()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aPlainNumberIsMillisecondsAndTooShortALifetimeFailsNamingTheOption() throws Exception {
        assertThatThrownBy(() -> agentConfigOf("registerExpires=600")).hasStackTraceContaining("registerExpires")
                .hasStackTraceContaining("600s or 10m");
        assertThatThrownBy(() -> agentConfigOf("keepAliveInterval=5")).hasStackTraceContaining("keepAliveInterval");
    }
}
