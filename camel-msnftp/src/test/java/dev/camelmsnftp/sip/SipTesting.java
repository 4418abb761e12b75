package dev.camelmsnftp.sip;

import java.util.Queue;

/** What the SIP agent tests share: agents on loopback, their direct addresses, listeners that collect. */
final class SipTesting {

    /** The content type of an MSNFTP invitation. */
    static final String TYPE = "text/x-msmsgsinvite; charset=UTF-8";

    private SipTesting() {
    }

    /** Settings for {@code user@corp.example} listening on a free port of 127.0.0.1. */
    static SipAgentConfig.Builder onLoopback(String user, SipTransport transport) {
        return SipAgentConfig.builder(user + "@corp.example").sipHost("127.0.0.1").sipPort(0).transport(transport);
    }

    /** The agent's direct address, {@code sip:user@127.0.0.1:port}. */
    static String address(SipAgent agent) {
        return "sip:" + agent.config().localUser().user() + "@127.0.0.1:" + agent.localPort();
    }

    /** A listener that puts every message in {@code into} and answers 200. */
    static MessageListener collectInto(Queue<IncomingMessage> into) {
        return message -> {
            into.add(message);
            return 200;
        };
    }
}
