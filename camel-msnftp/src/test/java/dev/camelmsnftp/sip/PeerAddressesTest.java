package dev.camelmsnftp.sip;

import java.net.InetAddress;
import java.util.List;

import javax.sip.SipFactory;
import javax.sip.message.Request;

import gov.nist.javax.sip.message.SIPMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a request shows of its sender's address: only what the sender cannot write as it likes. */
class PeerAddressesTest {

    private static Request request(String vias, String source) throws Exception {
        String text = "MESSAGE sip:bob@192.0.2.1 SIP/2.0\r\n" + vias
                      + "From: <sip:mallory@corp.example>;tag=1\r\nTo: <sip:bob@corp.example>\r\n"
                      + "Call-ID: peer-addresses-test\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n"
                      + "Contact: <sip:mallory@10.9.9.9:5060>\r\nContent-Length: 0\r\n\r\n";
        Request request = SipFactory.getInstance().createMessageFactory().createRequest(text);
        ((SIPMessage) request).setPeerPacketSourceAddress(InetAddress.getByName(source));
        return request;
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void aDirectRequestShowsWhereItCameFromAndNothingItWroteItself() throws Exception {
        Request direct = request("Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1\r\n", "198.51.100.7");

        assertThat(PeerAddresses.of(direct)).as("not the Via it wrote, not the Contact").containsExactly(
                ip("198.51.100.7"));
    }

    @Test
    void throughAProxyTheOriginatingViaAsTheFirstProxyLeftItCounts() throws Exception {
        Request proxied = request("Via: SIP/2.0/UDP 192.0.2.53:5060;branch=z9hG4bK2\r\n"
                                  + "Via: SIP/2.0/UDP 10.0.0.5:5060;received=203.0.113.9;branch=z9hG4bK1\r\n",
                "192.0.2.53");
        Request behindNoNat = request("Via: SIP/2.0/UDP 192.0.2.53:5060;branch=z9hG4bK2\r\n"
                                      + "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK1\r\n", "192.0.2.53");

        assertThat(PeerAddresses.of(proxied)).as("the proxy, and the received the proxy added")
                .isEqualTo(List.of(ip("192.0.2.53"), ip("203.0.113.9")));
        assertThat(PeerAddresses.of(behindNoNat)).isEqualTo(List.of(ip("192.0.2.53"), ip("203.0.113.10")));
    }

    @Test
    void namesAreNotLookedUp() throws Exception {
        Request named = request("Via: SIP/2.0/UDP 192.0.2.53:5060;branch=z9hG4bK2\r\n"
                                + "Via: SIP/2.0/UDP alice-pc.corp.example:5060;branch=z9hG4bK1\r\n", "192.0.2.53");

        assertThat(PeerAddresses.of(named)).containsExactly(ip("192.0.2.53"));
    }
}
