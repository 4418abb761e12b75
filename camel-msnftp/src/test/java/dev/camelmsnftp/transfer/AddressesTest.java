package dev.camelmsnftp.transfer;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The peer's IP-Address fields are taken as IP literals only, never resolved as names. */
class AddressesTest {

    @Test
    void ipv4AndIpv6LiteralsAreTaken() throws Exception {
        assertThat(Addresses.literal("192.0.2.10", "IP-Address")).isEqualTo(InetAddress.getByAddress(
                new byte[] { (byte) 192, 0, 2, 10 }));
        assertThat(Addresses.literal("0.0.0.0", "IP-Address").getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(Addresses.literal("255.255.255.255", "IP-Address").getHostAddress()).isEqualTo("255.255.255.255");
        assertThat(Addresses.literal("::1", "IP-Address").isLoopbackAddress()).isTrue();
        assertThat(Addresses.literal("2001:DB8::5", "IP-Address").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(Addresses.literal("::ffff:192.0.2.1", "IP-Address").getHostAddress()).isEqualTo("192.0.2.1");
    }

    /**
     * Names, and forms that the JDK would hand to the resolver or read in surprising ways (short or out-of-range IPv4,
     * a bracketed or zoned IPv6, a colon in a name), are refused with the field named.
     */
    @ParameterizedTest
    @ValueSource(strings = { "localhost", "peer.example", "1.example", "192.0.2", "127.1", "999.1.1.1", "256.0.0.1",
                             "01.2.3.4", "1.2.3.4.", " 1.2.3.4", "[::1]", "fe80::1%eth0", "x:y", ".:1", "evil.com:80",
                             "::ffff:999.1.1.1", "12345::", "" })
    void anythingElseIsRefusedWithoutALookup(String value) {
        assertThatThrownBy(() -> Addresses.literal(value, "IP-Address-Internal"))
                .isInstanceOf(Addresses.NotAnAddress.class)
                .hasMessageStartingWith("IP-Address-Internal \"")
                .hasMessageContaining("is not an IP address literal");
    }

    @Test
    void advertisedAddressMustBeALiteralToo() {
        assertThatThrownBy(() -> TransferSettings.builder("alice@corp.example").advertisedAddress("alice.corp.example")
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertisedAddress");
    }
}
