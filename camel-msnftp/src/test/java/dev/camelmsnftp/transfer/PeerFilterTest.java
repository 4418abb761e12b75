package dev.camelmsnftp.transfer;

import dev.camelmsnftp.sip.SipAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whose files a receiver takes: the endpoint's peer plus allowedSenders. */
class PeerFilterTest {

    static SipAddress sip(String address) {
        return SipAddress.parse(address);
    }

    @Test
    void aStarWithoutAListIsAnyone() {
        PeerFilter filter = PeerFilter.parse("*", " ");
        assertThat(filter.isAnyone()).isTrue();
        assertThat(filter.match(sip("x@y.example"))).isEqualTo(PeerFilter.Match.ANYONE);
    }

    @Test
    void aStarWithAListIsOnlyTheList() {
        PeerFilter filter = PeerFilter.parse("*", "alice@corp.example, *@Partner.Example");
        assertThat(filter.isAnyone()).isFalse();
        assertThat(filter.match(sip("sip:ALICE@corp.example:5071;transport=tcp"))).isEqualTo(PeerFilter.Match.ADDRESS);
        assertThat(filter.match(sip("erin@partner.example"))).isEqualTo(PeerFilter.Match.DOMAIN);
        assertThat(filter.match(sip("erin@sub.partner.example"))).as("a domain, not its subdomains")
                .isEqualTo(PeerFilter.Match.NONE);
        assertThat(filter.match(sip("bob@corp.example"))).isEqualTo(PeerFilter.Match.NONE);
    }

    @Test
    void thePeerCountsBesidesTheList() {
        PeerFilter filter = PeerFilter.parse("sip:bob@corp.example", "*@partner.example");
        assertThat(filter.matches(sip("bob@corp.example"))).isTrue();
        assertThat(filter.matches(sip("erin@partner.example"))).isTrue();
        assertThat(filter.matches(sip("carol@corp.example"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "*@", "alice", "*@a@b", "*@*.example", "@corp.example" })
    void entriesThatAreNeitherAnAddressNorADomainAreRefused(String entry) {
        assertThatThrownBy(() -> PeerFilter.parse("*", entry)).isInstanceOf(IllegalArgumentException.class);
    }
}
