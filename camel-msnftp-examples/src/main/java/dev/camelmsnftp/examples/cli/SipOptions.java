package dev.camelmsnftp.examples.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** The options both commands share, named as the msnftp: endpoint's URI options they set. */
final class SipOptions {

    @Option(names = { "--identity", "--localUser" }, required = true, paramLabel = "USER@DOMAIN",
            description = "Our own SIP address (required; --localUser is the former name).")
    String identity;

    @Option(names = "--sipHost", paramLabel = "ADDRESS", description = "Local address the SIP stack listens on (default 0.0.0.0).")
    String sipHost;

    @Option(names = "--sipPort", paramLabel = "PORT", description = "Local SIP port; 0 picks a free one (default 5060).")
    Integer sipPort;

    @Option(names = "--sipTransport", paramLabel = "udp|tcp|tls", description = "SIP transport (default udp).")
    String sipTransport;

    @Option(names = "--registrar", paramLabel = "HOST[:PORT]", description = "Register our identity there.")
    String registrar;

    @Option(names = "--outboundProxy", paramLabel = "HOST[:PORT][/TRANSPORT]", description = "Send every SIP request through it.")
    String outboundProxy;

    @Option(names = "--authUsername", paramLabel = "NAME", description = "Digest user name (default: the user of identity).")
    String authUsername;

    @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
            description = "Digest password; give the option without a value to be asked for it.")
    String password;

    @Option(names = "--ftpHost", paramLabel = "ADDRESS", description = "Address our MSNFTP listener binds to (default 0.0.0.0).")
    String ftpHost;

    @Option(names = "--ftpPort", paramLabel = "PORT|FROM-TO", description = "Port or range of our MSNFTP listener (default any).")
    String ftpPort;

    @Option(names = "--advertisedAddress", paramLabel = "IP", description = "The IP address put in our ACCEPT.")
    String advertisedAddress;

    @Option(names = "--encryption", paramLabel = "auto|required|disabled", description = "Encrypted MSNFTP (default auto).")
    String encryption;

    @Option(names = "--sipMode", paramLabel = "session|pager", description = "How our invitations travel (default session).")
    String sipMode;

    @Option(names = "--acceptTimeout", paramLabel = "DURATION", description = "Wait for an answer and for the connection (default 30s).")
    String acceptTimeout;

    @Option(names = "--transferTimeout", paramLabel = "DURATION", description = "Longest silence during a transfer (default 60s).")
    String transferTimeout;

    @Option(names = "--workDir", paramLabel = "DIR", description = "Where files are written before they are complete.")
    String workDir;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Draw a progress bar when the output is a terminal (default: on).")
    boolean progress;

    @Option(names = "--verbose", description = "Log at INFO (transfers, SIP agent) on standard error.")
    boolean verbose;

    /** The URI options these settings stand for, in URI order. */
    Map<String, String> uriOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        put(options, "identity", identity);
        put(options, "sipHost", sipHost);
        put(options, "sipPort", sipPort == null ? null : sipPort.toString());
        put(options, "sipTransport", sipTransport);
        put(options, "registrar", registrar);
        put(options, "outboundProxy", outboundProxy);
        put(options, "authUsername", authUsername);
        put(options, "password", password);
        put(options, "ftpHost", ftpHost);
        put(options, "ftpPort", ftpPort);
        put(options, "advertisedAddress", advertisedAddress);
        put(options, "encryption", encryption);
        put(options, "sipMode", sipMode);
        put(options, "acceptTimeout", acceptTimeout);
        put(options, "transferTimeout", transferTimeout);
        put(options, "workDir", workDir);
        return options;
    }

    static void put(Map<String, String> options, String name, String value) {
        if (value != null && !value.isEmpty()) {
            options.put(name, value);
        }
    }

    /** {@code msnftp:peer?name=RAW(value)&...}: RAW keeps every value as typed (passwords, paths, ranges). */
    static String uri(String peer, Map<String, String> options) {
        StringBuilder uri = new StringBuilder("msnftp:").append(peer);
        char separator = '?';
        for (Map.Entry<String, String> option : options.entrySet()) {
            uri.append(separator).append(option.getKey()).append("=RAW(").append(option.getValue()).append(')');
            separator = '&';
        }
        return uri.toString();
    }
}
