package dev.camelmsnftp.component;

import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipTransport;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What holds the SIP agent's settings never prints the password (nor TLS store passwords) in toString. */
class SecretsNotPrintedTest {

    static final String PASSWORD = "s3cret-Pa55word";
    static final String STORE_PASSWORD = "st0re-Pa55word";

    @Test
    void theAgentKeyNamesTheIdentityButNotThePassword() {
        MsnftpConfiguration configuration = new MsnftpConfiguration();
        configuration.setIdentity("bob@corp.example");
        configuration.setAuthUsername("bob-auth");
        configuration.setPassword(PASSWORD);
        configuration.setSipTransport(SipTransport.TLS);
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:/nowhere/trust.p12");
        store.setPassword(STORE_PASSWORD);
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trust);
        configuration.setSslContextParameters(tls);

        String text = configuration.agentKey().toString();
        assertThat(text).contains("bob@corp.example").contains("bob-auth").contains("password=***")
                .doesNotContain(PASSWORD).doesNotContain(STORE_PASSWORD);
    }

    @Test
    void theAgentSettingsNameTheUserButNotThePassword() {
        SipAgentConfig config = SipAgentConfig.builder("bob@corp.example").authUsername("bob-auth").password(PASSWORD)
                .registrar("sip.corp.example").build();
        assertThat(config.toString()).contains("bob@corp.example").contains("password=***").doesNotContain(PASSWORD);
    }
}
