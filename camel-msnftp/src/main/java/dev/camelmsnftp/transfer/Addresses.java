package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.sip.SipAgent;

/** Where our MSNFTP listener binds, what address we advertise, and where we connect. */
final class Addresses {

    private Addresses() {
    }

    static InetAddress bindAddress(TransferSettings settings) throws IOException {
        return InetAddress.getByName(settings.ftpHost());
    }

    /** The IP-Address of our listening ACCEPT: the configured one, the bind address, or the one our SIP uses. */
    static String advertised(TransferSettings settings, InetAddress bound, SipAgent agent) {
        if (settings.advertisedAddress().isPresent()) {
            return settings.advertisedAddress().get();
        }
        return bound.isAnyLocalAddress() ? agent.advertisedHost() : bound.getHostAddress();
    }

    /**
     * The {@code candidates} that {@code policy} lets us connect to, for a peer whose SIP requests came from
     * {@code peerSipAddresses}; empty when none may be (the caller refuses the ACCEPT).
     */
    static List<InetSocketAddress> allowed(List<InetSocketAddress> candidates, PeerAddressPolicy policy,
                                           Collection<InetAddress> peerSipAddresses) {
        return candidates.stream().filter(target -> policy.allows(target.getAddress(), peerSipAddresses)).toList();
    }

    /**
     * The listening party's address, and its internal one when it gave a different one (tried in parallel). Both must
     * be IP literals: a name the peer chose is never looked up (that would make our host ask the DNS what the peer
     * wants, and block the transfer for as long as the resolver takes).
     */
    static List<InetSocketAddress> candidates(Invitation accept) throws NotAnAddress {
        List<InetSocketAddress> targets = new ArrayList<>();
        targets.add(new InetSocketAddress(literal(accept.ipAddress().orElseThrow(), "IP-Address"),
                accept.port().getAsInt()));
        if (accept.ipAddressInternal().isPresent() && accept.internalPort().isPresent()) {
            InetSocketAddress internal = new InetSocketAddress(
                    literal(accept.ipAddressInternal().get(), "IP-Address-Internal"), accept.internalPort().getAsInt());
            if (!internal.equals(targets.get(0))) {
                targets.add(internal);
            }
        }
        return targets;
    }

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** Only hex digits, colons and dots, one colon at least, not starting with a dot: the JDK parses it, never looks it up. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    private static final int SHOWN = 64;

    /**
     * {@code value} as an address when it is an IPv4 literal in dotted-quad form or an IPv6 literal (without brackets or
     * zone); anything else, a host name above all, is refused without a lookup.
     */
    static InetAddress literal(String value, String field) throws NotAnAddress {
        try {
            if (IPV4.matcher(value).matches()) {
                byte[] bytes = new byte[4];
                String[] parts = value.split("\\.");
                for (int i = 0; i < 4; i++) {
                    bytes[i] = (byte) Integer.parseInt(parts[i]);
                }
                return InetAddress.getByAddress(bytes);
            }
            if (value.indexOf(':') >= 0 && IPV6.matcher(value).matches()) {
                // a string that starts with a hex digit or a colon and holds a colon is parsed as an IPv6 literal or
                // refused by the JDK; it never reaches the resolver
                return InetAddress.getByName(value);
            }
        } catch (UnknownHostException invalid) {
            // an IPv6-looking string that is not a valid literal
        }
        String shown = value.length() > SHOWN ? value.substring(0, SHOWN) + "..." : value;
        throw new NotAnAddress(field + " \"" + shown + "\" is not an IP address literal (names are not looked up)");
    }

    /** A peer's address field that is not an IP literal. */
    static final class NotAnAddress extends Exception {

        private static final long serialVersionUID = 1L;

        NotAnAddress(String message) {
            super(message);
        }
    }
}
