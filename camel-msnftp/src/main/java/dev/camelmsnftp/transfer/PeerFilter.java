package dev.camelmsnftp.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.camelmsnftp.sip.SipAddress;

/**
 * Whose files a receiver takes: anyone ({@code *}), or a list of SIP addresses (compared without case, port or
 * parameters) and {@code *@domain} patterns (any user at that domain, compared without case). Immutable.
 */
public final class PeerFilter {

    /** Everyone. */
    public static final PeerFilter ANYONE = new PeerFilter(true, List.of(), List.of());

    /** How well a sender matches, for choosing among receivers: an address beats a domain, a domain beats anyone. */
    public enum Match {
        NONE,
        ANYONE,
        DOMAIN,
        ADDRESS
    }

    private final boolean anyone;
    private final List<SipAddress> addresses;
    private final List<String> domains;

    private PeerFilter(boolean anyone, List<SipAddress> addresses, List<String> domains) {
        this.anyone = anyone;
        this.addresses = List.copyOf(addresses);
        this.domains = List.copyOf(domains);
    }

    /** {@code *} (or nothing) for anyone, else one SIP address. */
    public static PeerFilter parse(String peer) {
        return parse(peer, null);
    }

    /**
     * The endpoint's peer ({@code *} or a SIP address) together with a comma-separated list of further SIP addresses and
     * {@code *@domain} patterns. With a list, {@code *} as the peer means only the list.
     *
     * @throws IllegalArgumentException for an entry that is neither
     */
    public static PeerFilter parse(String peer, String allowedSenders) {
        boolean anyPeer = peer == null || peer.isBlank() || peer.trim().equals("*");
        List<String> entries = new ArrayList<>();
        if (!anyPeer) {
            entries.add(peer.trim());
        }
        if (allowedSenders != null) {
            for (String entry : allowedSenders.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
        }
        if (entries.isEmpty()) {
            return ANYONE;
        }
        boolean anyone = false;
        List<SipAddress> addresses = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String entry : entries) {
            if (entry.equals("*")) {
                anyone = true;
            } else if (entry.startsWith("*@") || entry.regionMatches(true, 0, "sip:*@", 0, 6)) {
                String domain = entry.substring(entry.indexOf('@') + 1);
                if (domain.isEmpty() || domain.chars().anyMatch(c -> c <= ' ' || c == '@' || c == '*' || c == ':' || c == ';')) {
                    throw new IllegalArgumentException("Not a sender pattern *@domain: '" + entry + "'");
                }
                domains.add(domain.toLowerCase(Locale.ROOT));
            } else {
                addresses.add(SipAddress.parse(entry));
            }
        }
        return new PeerFilter(anyone, addresses, domains);
    }

    /** Whether every sender is taken. */
    public boolean isAnyone() {
        return anyone;
    }

    public boolean matches(SipAddress sender) {
        return match(sender) != Match.NONE;
    }

    /** How specifically {@code sender} is named here. */
    public Match match(SipAddress sender) {
        if (addresses.stream().anyMatch(address -> address.sameUser(sender))) {
            return Match.ADDRESS;
        }
        if (domains.contains(sender.host().toLowerCase(Locale.ROOT))) {
            return Match.DOMAIN;
        }
        return anyone ? Match.ANYONE : Match.NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerFilter other && anyone == other.anyone && addresses.equals(other.addresses)
               && domains.equals(other.domains);
    }

    @Override
    public int hashCode() {
        return Objects.hash(anyone, addresses, domains);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (anyone) {
            parts.add("*");
        }
        addresses.forEach(address -> parts.add(address.addressOfRecord()));
        domains.forEach(domain -> parts.add("*@" + domain));
        return String.join(",", parts);
    }
}
