package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortRangeTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void parsesTheThreeForms() {
        assertThat(PortRange.parse("0")).isEqualTo(PortRange.ANY);
        assertThat(PortRange.parse(null)).isEqualTo(PortRange.ANY);
        assertThat(PortRange.parse("6891")).isEqualTo(new PortRange(6891, 6891));
        assertThat(PortRange.parse(" 6891 - 6900 ")).isEqualTo(new PortRange(6891, 6900));
        assertThat(PortRange.parse("6891-6900")).hasToString("6891-6900");
    }

    @Test
    void rejectsNonsense() {
        for (String bad : new String[] { "x", "6900-6891", "-1", "70000", "0-10", "1-", "1-2-3" }) {
            assertThatThrownBy(() -> PortRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anyBindsAFreePort() throws IOException {
        try (ServerSocketChannel socket = PortRange.ANY.bind(LOOPBACK)) {
            InetSocketAddress bound = (InetSocketAddress) socket.getLocalAddress();
            assertThat(bound.getPort()).isPositive();
            assertThat(bound.getAddress()).isEqualTo(LOOPBACK);
        }
    }

    @Test
    void aRangeUsesEachPortOnceThenFailsClearly() throws IOException {
        int base;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            base = probe.getLocalPort();
        }
        // a small range just above a port the OS gave us; ports that are taken by someone else are skipped
        PortRange range = new PortRange(base, Math.min(65535, base + 2));
        List<ServerSocketChannel> bound = new ArrayList<>();
        try {
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i <= range.last() - range.first(); i++) {
                try {
                    ServerSocketChannel socket = range.bind(LOOPBACK);
                    bound.add(socket);
                    ports.add(((InetSocketAddress) socket.getLocalAddress()).getPort());
                } catch (BindException someoneElseHasIt) {
                    break;
                }
            }
            assertThat(ports).allSatisfy(p -> assertThat(p).isBetween(range.first(), range.last()));
            assertThat(ports).hasSameSizeAs(bound);
            // the range is now exhausted (by us, or by us and another process)
            assertThatThrownBy(() -> range.bind(LOOPBACK)).isInstanceOf(BindException.class).hasMessageContaining(range.toString());
        } finally {
            for (ServerSocketChannel socket : bound) {
                socket.close();
            }
        }
    }
}
