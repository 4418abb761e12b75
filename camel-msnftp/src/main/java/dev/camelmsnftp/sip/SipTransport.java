package dev.camelmsnftp.sip;

import java.util.Locale;

/** A SIP transport. */
public enum SipTransport {
    UDP,
    TCP,
    TLS;

    /** The name JAIN-SIP and URIs use ({@code udp}, {@code tcp}, {@code tls}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code udp}, {@code tcp} or {@code tls}, in any case. */
    public static SipTransport parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown SIP transport '" + text + "': use udp, tcp or tls", e);
        }
    }
}
