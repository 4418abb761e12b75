package dev.camelmsnftp.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import gov.nist.javax.sip.message.SIPMessage;

/**
 * The IP addresses a SIP request shows for the party that sent it: where the packet came from (the peer itself, or
 * the last proxy), and the originating (bottom) Via's host and {@code received} parameter and the Contact host, which
 * name the sender's own machine even through proxies and NAT. IP literals only: no name is looked up.
 */
final class PeerAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private PeerAddresses() {
    }

    static List<InetAddress> of(Request request) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        if (request instanceof SIPMessage message) {
            InetAddress source = message.getPeerPacketSourceAddress();
            addIfPresent(addresses, source != null ? source : message.getRemoteAddress());
        }
        ViaHeader originating = null;
        for (ListIterator<?> vias = request.getHeaders(ViaHeader.NAME); vias.hasNext(); ) {
            originating = (ViaHeader) vias.next();
        }
        if (originating != null) {
            addLiteral(addresses, originating.getReceived());
            addLiteral(addresses, originating.getHost());
        }
        if (request.getHeader(ContactHeader.NAME) instanceof ContactHeader contact
            && contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri) {
            addLiteral(addresses, uri.getHost());
        }
        return List.copyOf(addresses);
    }

    private static void addIfPresent(Set<InetAddress> addresses, InetAddress address) {
        if (address != null) {
            addresses.add(address);
        }
    }

    private static void addLiteral(Set<InetAddress> addresses, String host) {
        if (host == null || host.isEmpty() || !(IPV4.matcher(host).matches() || host.indexOf(':') >= 0)) {
            return;
        }
        try {
            addresses.add(InetAddress.getByName(host));
        } catch (UnknownHostException | RuntimeException notAnAddress) {
            // not an IP literal after all
        }
    }
}
