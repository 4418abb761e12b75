package dev.camelmsnftp.transfer;

import dev.camelmsnftp.sip.SipAddress;

/** Whose files a receiver takes: {@code *} for anyone, or one SIP address (compared without case, port, parameters). */
public record PeerFilter(SipAddress peer) {

    /** Everyone. */
    public static final PeerFilter ANYONE = new PeerFilter(null);

    public static PeerFilter parse(String text) {
        return text == null || text.isBlank() || text.trim().equals("*") ? ANYONE : new PeerFilter(SipAddress.parse(text));
    }

    public boolean isAnyone() {
        return peer == null;
    }

    public boolean matches(SipAddress sender) {
        return peer == null || peer.sameUser(sender);
    }

    @Override
    public String toString() {
        return peer == null ? "*" : peer.addressOfRecord();
    }
}
