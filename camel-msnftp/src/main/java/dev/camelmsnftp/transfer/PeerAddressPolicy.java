package dev.camelmsnftp.transfer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which addresses the other end of an MSNFTP connection may have (option {@code ftpPeerAddresses}): where we connect
 * when the peer's ACCEPT says where it listens, and whom our listener takes. A comma-separated list of
 * <ul>
 * <li>{@code sip} (the default): the addresses the peer's SIP requests showed (where their packets came from and,
 * through a proxy, the originating Via);</li>
 * <li>IP addresses and CIDR ranges ({@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}): for peers behind
 * NAT or relays whose address SIP does not show;</li>
 * <li>{@code any}: any address but loopback and wildcard ones.</li>
 * </ul>
 * Loopback addresses pass only when the peer itself is on loopback (per {@code sip}) or when listed explicitly, so a
 * hostile ACCEPT cannot point us at a service of our own machine.
 */
public final class PeerAddressPolicy {

    /** The default: only the peer's own addresses, as SIP showed them. */
    public static final PeerAddressPolicy SIP = parse("sip");

    private final boolean sip;
    private final boolean any;
    private final List<Range> ranges;
    private final String text;

    private PeerAddressPolicy(boolean sip, boolean any, List<Range> ranges, String text) {
        this.sip = sip;
        this.any = any;
        this.ranges = ranges;
        this.text = text;
    }

    /** Parses the option; an unknown word or a bad address fails naming it. */
    public static PeerAddressPolicy parse(String text) {
        if (text == null || text.isBlank()) {
            return SIP;
        }
        boolean sip = false;
        boolean any = false;
        List<Range> ranges = new ArrayList<>();
        for (String item : text.split(",")) {
            String token = item.trim();
            switch (token.toLowerCase(Locale.ROOT)) {
                case "" -> {
                }
                case "sip" -> sip = true;
                case "any" -> any = true;
                default -> ranges.add(Range.parse(token));
            }
        }
        if (!sip && !any && ranges.isEmpty()) {
            throw new IllegalArgumentException("ftpPeerAddresses '" + text + "' allows no address");
        }
        return new PeerAddressPolicy(sip, any, List.copyOf(ranges), text.trim());
    }

    /**
     * Whether an MSNFTP connection may go to or come from {@code address}, for a peer whose SIP requests came from
     * {@code peerSipAddresses}.
     */
    public boolean allows(InetAddress address, Collection<InetAddress> peerSipAddresses) {
        if (ranges.stream().anyMatch(range -> range.contains(address))) {
            return true;
        }
        if (sip && peerSipAddresses.contains(address)) {
            return true;
        }
        boolean local = address.isLoopbackAddress() || address.isAnyLocalAddress();
        if (any && !local) {
            return true;
        }
        return any && address.isLoopbackAddress()
               && peerSipAddresses.stream().anyMatch(InetAddress::isLoopbackAddress);
    }

    @Override
    public String toString() {
        return text;
    }

    /** An address, or a CIDR range of them. */
    private record Range(byte[] network, int prefix) {

        static Range parse(String token) {
            int slash = token.indexOf('/');
            String host = slash < 0 ? token : token.substring(0, slash);
            if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("ftpPeerAddresses: '" + token
                                                   + "' is neither sip, any, an IP address nor a CIDR range");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("ftpPeerAddresses: '" + token + "' is not an IP address", e);
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(token.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ftpPeerAddresses: bad prefix length in '" + token + "'", e);
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("ftpPeerAddresses: bad prefix length in '" + token + "'");
                }
            }
            return new Range(network, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
