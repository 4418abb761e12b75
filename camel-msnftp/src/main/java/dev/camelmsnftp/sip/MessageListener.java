package dev.camelmsnftp.sip;

/**
 * Receives MESSAGE requests of the content types it was registered for. Runs on the agent's executor, never on a
 * JAIN-SIP thread; the status it returns is the response the agent sends (200 when it took the message, 400
 * for a body it found malformed, 415 for one it cannot read).
 */
@FunctionalInterface
public interface MessageListener {

    int onMessage(IncomingMessage message);
}
