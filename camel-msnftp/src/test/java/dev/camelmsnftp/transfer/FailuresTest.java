package dev.camelmsnftp.transfer;

import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipAgentException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The words a refused offer is explained with name the options a user of the msnftp: endpoint sets: our address is the
 * option identity there (localUser is only its deprecated alias).
 */
class FailuresTest {

    @Test
    void aServerThatForbidsTheOfferNamesIdentityAndAuthUsername() {
        SipAgentConfig config = SipAgentConfig.builder("alice@corp.example").outboundProxy("sip.corp.example").build();
        SipAgentException forbidden = new SipAgentException(SipAgentException.Kind.REJECTED, 403,
                "MESSAGE answered 403 Forbidden", null);

        TransferException failure = Failures.ofSip(forbidden, 85366, SipAddress.parse("bob@corp.example"), config);

        assertThat(failure).isInstanceOf(TransferRejectedException.class).hasCauseReference(forbidden);
        assertThat(failure.getMessage()).startsWith("Cannot offer the file to bob@corp.example: the SIP server answered"
                                                   + " 403 Forbidden: we may not send to this peer (check the identity and"
                                                   + " authUsername options)");
    }
}
