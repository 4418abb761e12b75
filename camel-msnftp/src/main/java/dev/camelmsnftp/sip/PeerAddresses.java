package dev.camelmsnftp.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import gov.nist.javax.sip.message.SIPMessage;

/**
 * The IP addresses a SIP request shows for the party that sent it, taken only from what the sender cannot choose
 * freely: where the packet came from (the sender itself, or the last proxy) and, when the request came through
 * proxies, the originating (bottom) Via as the first proxy left it: its {@code received} parameter when that proxy
 * added one (the sender's sent-by differed from where its packets came from), else its host. Headers the sender
 * writes as it likes (Contact, the Via of a direct request) do not count. IP literals only: no name is looked up.
 */
final class PeerAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private PeerAddresses() {
    }

    static List<InetAddress> of(Request request) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        if (request instanceof SIPMessage message) {
            InetAddress source = message.getPeerPacketSourceAddress();
            if (source == null) {
                source = message.getRemoteAddress();
            }
            if (source != null) {
                addresses.add(source);
            }
        }
        List<ViaHeader> vias = new ArrayList<>();
        for (ListIterator<?> each = request.getHeaders(ViaHeader.NAME); each.hasNext(); ) {
            vias.add((ViaHeader) each.next());
        }
        if (vias.size() > 1) {
            ViaHeader originating = vias.get(vias.size() - 1);
            String received = originating.getReceived();
            addLiteral(addresses, received != null ? received : originating.getHost());
        }
        return List.copyOf(addresses);
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
