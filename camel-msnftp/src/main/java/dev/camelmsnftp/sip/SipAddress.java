package dev.camelmsnftp.sip;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A SIP address as users write it: {@code bob@corp.example}, {@code sip:bob@corp.example}, or with a port for direct
 * peer-to-peer use, {@code sip:bob@127.0.0.1:5071}. URI parameters ({@code ;transport=tcp}) are kept.
 */
public record SipAddress(String user, String host, OptionalInt port, String parameters) {

    public SipAddress {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        parameters = parameters == null ? "" : parameters;
        if (user.isEmpty() || host.isEmpty() || user.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ':' || c == ';')
            || host.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ';')) {
            throw new IllegalArgumentException("Not a SIP address user@host: '" + user + "@" + host + "'");
        }
    }

    /** Parses a SIP address; {@code sip:} is optional. */
    public static SipAddress parse(String text) {
        String value = Objects.requireNonNull(text, "address").trim();
        if (value.regionMatches(true, 0, "sip:", 0, 4)) {
            value = value.substring(4);
        }
        String parameters = "";
        int semicolon = value.indexOf(';');
        if (semicolon >= 0) {
            parameters = value.substring(semicolon);
            value = value.substring(0, semicolon);
        }
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) {
            throw new IllegalArgumentException("Not a SIP address user@host: '" + text + "'");
        }
        String user = value.substring(0, at);
        String hostPort = value.substring(at + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(']') < colon) {
            try {
                int port = Integer.parseInt(hostPort.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("Invalid port in SIP address '" + text + "'");
                }
                return new SipAddress(user, hostPort.substring(0, colon), OptionalInt.of(port), parameters);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid port in SIP address '" + text + "'", e);
            }
        }
        return new SipAddress(user, hostPort, OptionalInt.empty(), parameters);
    }

    /** {@code user@host}: the address of record, as sent in MSNFTP's USR and compared case-insensitively. */
    public String addressOfRecord() {
        return user + "@" + host;
    }

    /** The {@code sip:} URI with port and parameters. */
    public String uri() {
        return "sip:" + user + "@" + host + (port.isPresent() ? ":" + port.getAsInt() : "") + parameters;
    }

    /** Whether both name the same user at the same host, ignoring case, port and parameters. */
    public boolean sameUser(SipAddress other) {
        return addressOfRecord().toLowerCase(Locale.ROOT).equals(other.addressOfRecord().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return uri();
    }
}
