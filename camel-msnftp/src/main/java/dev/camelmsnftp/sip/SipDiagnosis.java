package dev.camelmsnftp.sip;

/**
 * Says in words what went wrong with a request and which option to check: the first line an operator reads, with
 * the failure it explains kept as the cause. The option names are those of the Camel endpoint, the same as those of
 * {@link SipAgentConfig} but for our own address, which is the endpoint's identity and SipAgentConfig's localUser.
 */
final class SipDiagnosis {

    private SipDiagnosis() {
    }

    /** Why the REGISTER of {@code config}'s user at its registrar failed, and what to check. */
    static SipAgentException registration(SipAgentConfig config, SipAgentException failure) {
        HostPort registrar = config.registrar().orElseThrow();
        String user = config.localUser().addressOfRecord();
        String transport = registrar.transport().orElse(config.transport()).wireName().toUpperCase(java.util.Locale.ROOT);
        String what;
        if (failure.unknownHost().isPresent()) {
            what = "the registrar host " + failure.unknownHost().get() + " is unknown (check the registrar option)";
        } else if (failure.connectionRefused()) {
            what = "nothing accepts SIP over " + transport + " at " + registrar.hostAndPort()
                   + " (check the registrar option and sipTransport; is the registrar running?)";
        } else if (failure.kind() == SipAgentException.Kind.TIMEOUT) {
            what = "the registrar " + registrar.hostAndPort() + " did not answer over " + transport + " within "
                   + config.requestTimeout().toSeconds() + " s (check the registrar option and sipTransport; is the registrar"
                   + " running, and reachable through firewalls?)";
        } else if (failure.kind() == SipAgentException.Kind.AUTHENTICATION_FAILED) {
            what = "the registrar " + registrar.hostAndPort() + " refused our credentials (" + status(failure)
                   + ") (check the authUsername and password options)";
        } else if (failure.status().isPresent() && failure.status().getAsInt() == 403) {
            what = "the registrar " + registrar.hostAndPort() + " does not accept " + user + " (403 Forbidden) (check the"
                   + " identity and authUsername options)";
        } else if (failure.status().isPresent()) {
            what = "the registrar " + registrar.hostAndPort() + " answered " + status(failure) + " (check the registrar"
                   + " option)";
        } else {
            what = failure.getMessage() + " (check the registrar option)";
        }
        return new SipAgentException(failure.kind(), failure.status().orElse(0), "Cannot register " + user + ": " + what,
                failure);
    }

    /** "401 Unauthorized" from a failure's message, or the bare code. */
    static String status(SipAgentException failure) {
        if (failure.status().isEmpty()) {
            return failure.kind().name();
        }
        String code = Integer.toString(failure.status().getAsInt());
        String message = String.valueOf(failure.getMessage());
        int at = message.indexOf("answered " + code);
        if (at >= 0) {
            String rest = message.substring(at + "answered ".length());
            int paren = rest.indexOf(" (");
            return paren > 0 ? rest.substring(0, paren) : rest;
        }
        return code;
    }
}
