package dev.camelmsnftp.sip;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The words a refused registration is explained with name the options a user of the msnftp: endpoint sets: our address
 * is the option identity there (localUser is only its deprecated alias).
 */
class SipDiagnosisTest {

    private static final SipAgentConfig CONFIG = SipAgentConfig.builder("bob@corp.example").registrar("127.0.0.1:5060")
            .build();

    @Test
    void aRegistrarThatDoesNotAcceptTheUserNamesIdentityAndAuthUsername() {
        SipAgentException refused = new SipAgentException(SipAgentException.Kind.REJECTED, 403,
                "REGISTER answered 403 Forbidden", null);

        SipAgentException explained = SipDiagnosis.registration(CONFIG, refused);

        assertThat(explained.getMessage())
                .isEqualTo("Cannot register bob@corp.example: the registrar 127.0.0.1:5060 does not accept bob@corp.example"
                           + " (403 Forbidden) (check the identity and authUsername options)");
        assertThat(explained.kind()).isEqualTo(SipAgentException.Kind.REJECTED);
        assertThat(explained.status()).hasValue(403);
        assertThat(explained.getCause()).isSameAs(refused);
    }

    @Test
    void refusedCredentialsNameAuthUsernameAndPassword() {
        SipAgentException refused = new SipAgentException(SipAgentException.Kind.AUTHENTICATION_FAILED, 401,
                "REGISTER answered 401 Unauthorized", null);

        assertThat(SipDiagnosis.registration(CONFIG, refused).getMessage())
                .isEqualTo("Cannot register bob@corp.example: the registrar 127.0.0.1:5060 refused our credentials (401"
                           + " Unauthorized) (check the authUsername and password options)");
    }
}
