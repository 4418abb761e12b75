package dev.camelmsnftp.transfer;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerAddressPolicyTest {

    static final List<InetAddress> PEER = List.of(ip("192.0.2.7"), ip("10.1.2.3"));
    static final List<InetAddress> LOOPBACK_PEER = List.of(ip("127.0.0.1"));

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void byDefaultOnlyThePeersOwnAddresses() {
        PeerAddressPolicy policy = PeerAddressPolicy.parse(null);
        assertThat(policy.allows(ip("192.0.2.7"), PEER)).isTrue();
        assertThat(policy.allows(ip("10.1.2.3"), PEER)).isTrue();
        assertThat(policy.allows(ip("192.0.2.8"), PEER)).isFalse();
        assertThat(policy.allows(ip("169.254.169.254"), PEER)).as("cloud metadata").isFalse();
        assertThat(policy.allows(ip("127.0.0.1"), PEER)).as("our own services").isFalse();
        assertThat(policy.allows(ip("127.0.0.1"), LOOPBACK_PEER)).as("a peer on loopback").isTrue();
        assertThat(policy.allows(ip("::1"), LOOPBACK_PEER)).as("another loopback address than the peer's").isFalse();
    }

    @Test
    void rangesAddAddressesForNat() {
        PeerAddressPolicy policy = PeerAddressPolicy.parse("sip, 198.51.100.0/24, 2001:db8::/32, 203.0.113.9");
        assertThat(policy.allows(ip("198.51.100.200"), PEER)).isTrue();
        assertThat(policy.allows(ip("198.51.101.1"), PEER)).isFalse();
        assertThat(policy.allows(ip("2001:db8:0:1::5"), PEER)).isTrue();
        assertThat(policy.allows(ip("2001:db9::5"), PEER)).isFalse();
        assertThat(policy.allows(ip("203.0.113.9"), PEER)).isTrue();
        assertThat(policy.allows(ip("192.0.2.7"), PEER)).as("sip still counts").isTrue();
        assertThat(PeerAddressPolicy.parse("10.0.0.0/8").allows(ip("192.0.2.7"), PEER)).as("without sip, not")
                .isFalse();
        assertThat(PeerAddressPolicy.parse("10.0.0.0/9").allows(ip("10.127.255.255"), PEER)).isTrue();
        assertThat(PeerAddressPolicy.parse("10.0.0.0/9").allows(ip("10.128.0.0"), PEER)).isFalse();
    }

    @Test
    void anyIsAnyAddressButOurOwn() {
        PeerAddressPolicy policy = PeerAddressPolicy.parse("any");
        assertThat(policy.allows(ip("198.51.100.1"), PEER)).isTrue();
        assertThat(policy.allows(ip("127.0.0.1"), PEER)).isFalse();
        assertThat(policy.allows(ip("0.0.0.0"), PEER)).isFalse();
        assertThat(policy.allows(ip("127.0.0.2"), LOOPBACK_PEER)).as("the peer is on loopback itself").isTrue();
        assertThat(PeerAddressPolicy.parse("any,127.0.0.1").allows(ip("127.0.0.1"), PEER)).as("listed").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "peer", "sip,,bogus.example", "10.0.0.0/33", "10.0.0.0/x", ",", "::1/129" })
    void badValuesFailNamingTheOption(String value) {
        assertThatThrownBy(() -> PeerAddressPolicy.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftpPeerAddresses");
    }
}
