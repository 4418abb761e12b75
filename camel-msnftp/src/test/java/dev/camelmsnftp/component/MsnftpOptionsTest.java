package dev.camelmsnftp.component;

import java.util.stream.Stream;

import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.transfer.EncryptionPolicy;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The enumerated options are enums: the values of the URI (lower case, as documented, or any case) become the enum
 * constants, and a typo fails when the endpoint is created, saying which values there are. Endpoints are only created,
 * never started, so nothing binds a port.
 */
class MsnftpOptionsTest extends CamelTestSupport {

    private MsnftpConfiguration configurationOf(String options) {
        return context.getEndpoint("msnftp:bob@127.0.0.1:5070?localUser=alice@corp.example&" + options, MsnftpEndpoint.class)
                .getConfiguration();
    }

    @Test
    void theDefaultsAreTheEnumConstants() {
        MsnftpConfiguration configuration = configurationOf("sipPort=5080");
        assertThat(configuration.getEncryption()).isEqualTo(EncryptionPolicy.AUTO);
        assertThat(configuration.getSipMode()).isEqualTo(SipMode.SESSION);
        assertThat(configuration.getSipTransport()).isEqualTo(SipTransport.UDP);
    }

    @Test
    void theDocumentedLowerCaseValuesAndAnyOtherCaseAreAccepted() {
        MsnftpConfiguration lower = configurationOf("encryption=required&sipMode=pager&sipTransport=tcp");
        assertThat(lower.getEncryption()).isEqualTo(EncryptionPolicy.REQUIRED);
        assertThat(lower.getSipMode()).isEqualTo(SipMode.PAGER);
        assertThat(lower.getSipTransport()).isEqualTo(SipTransport.TCP);

        MsnftpConfiguration upper = configurationOf("encryption=DISABLED&sipMode=Session&sipTransport=TLS");
        assertThat(upper.getEncryption()).isEqualTo(EncryptionPolicy.DISABLED);
        assertThat(upper.getSipMode()).isEqualTo(SipMode.SESSION);
        assertThat(upper.getSipTransport()).isEqualTo(SipTransport.TLS);
    }

    @Test
    void theComponentWideValueIsTheEndpointsDefault() {
        MsnftpComponent component = context.getComponent("msnftp", MsnftpComponent.class);
        component.getConfiguration().setEncryption(EncryptionPolicy.REQUIRED);
        assertThat(configurationOf("sipMode=pager").getEncryption()).isEqualTo(EncryptionPolicy.REQUIRED);
        assertThat(configurationOf("encryption=auto").getEncryption()).isEqualTo(EncryptionPolicy.AUTO);
    }

    static Stream<Arguments> typos() {
        return Stream.of(Arguments.of("encryption=requird", "Unknown encryption 'requird': use auto, required or disabled"),
                Arguments.of("sipMode=pagr", "Unknown SIP mode 'pagr': use session or pager"),
                Arguments.of("sipTransport=sctp", "Unknown SIP transport 'sctp': use udp, tcp or tls"));
    }

    @ParameterizedTest
    @MethodSource("typos")
    void aTypoFailsAtEndpointCreationNamingTheValues(String option, String message) {
        assertThatThrownBy(() -> configurationOf(option)).isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining(option).hasStackTraceContaining(message);
    }
}
