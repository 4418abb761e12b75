package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

    /** The listening party's address, and its internal one when it gave a different one (tried in parallel). */
    static List<InetSocketAddress> candidates(Invitation accept) throws IOException {
        List<InetSocketAddress> targets = new ArrayList<>();
        String external = accept.ipAddress().orElseThrow();
        targets.add(new InetSocketAddress(InetAddress.getByName(external), accept.port().getAsInt()));
        if (accept.ipAddressInternal().isPresent() && accept.internalPort().isPresent()) {
            InetSocketAddress internal = new InetSocketAddress(InetAddress.getByName(accept.ipAddressInternal().get()),
                    accept.internalPort().getAsInt());
            if (!internal.equals(targets.get(0))) {
                targets.add(internal);
            }
        }
        return targets;
    }
}
