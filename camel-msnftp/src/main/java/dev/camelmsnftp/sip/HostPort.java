package dev.camelmsnftp.sip;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code host[:port][/transport]}, as the {@code registrar} and {@code outboundProxy} options are written. IPv6
 * literals go in brackets: {@code [::1]:5060}.
 */
public record HostPort(String host, int port, Optional<SipTransport> transport) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        if (host.isBlank() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("Invalid host:port " + host + ":" + port);
        }
    }

    /** Parses {@code host}, {@code host:port}, {@code host:port/tcp}; the port defaults to {@code defaultPort}. */
    public static HostPort parse(String text, int defaultPort) {
        String value = text.trim();
        Optional<SipTransport> transport = Optional.empty();
        int slash = value.lastIndexOf('/');
        if (slash >= 0) {
            transport = Optional.of(SipTransport.parse(value.substring(slash + 1)));
            value = value.substring(0, slash);
        }
        String host = value;
        int port = defaultPort;
        int colon = value.lastIndexOf(':');
        boolean bracketed = value.startsWith("[");
        if (colon > 0 && (!bracketed || colon > value.indexOf(']'))) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid port in '" + text + "'", e);
            }
        }
        return new HostPort(host, port, transport);
    }

    /** {@code host:port} with IPv6 literals bracketed. */
    public String hostAndPort() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return hostAndPort() + transport.map(t -> "/" + t.wireName()).orElse("");
    }
}
