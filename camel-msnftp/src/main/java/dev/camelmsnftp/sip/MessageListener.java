package dev.camelmsnftp.sip;

/**
 * Receives MESSAGE requests of the content types it was registered for. Runs on the agent's executor, so that a slow
 * listener cannot hold up SIP reception, unless it calls a message {@link #quick}; the status it returns is the
 * response the agent sends (200 when it took the message, 400 for a body it found malformed, 415 for one it cannot
 * read).
 */
@FunctionalInterface
public interface MessageListener {

    int onMessage(IncomingMessage message);

    /**
     * Whether {@link #onMessage} may handle this message on the thread that received it (a JAIN-SIP thread) instead
     * of the agent's executor: one hand-over between threads less. Only for messages whose handling never blocks,
     * never waits for a lock that is held during I/O and calls no user code. Asked on the receiving thread, so it must
     * be as quick itself; a wrong {@code true} must still be safe to handle there. Never, unless overridden.
     */
    default boolean quick(IncomingMessage message) {
        return false;
    }

    /**
     * Whether peers may open an IM session with us now to send such messages. When the agent has listeners and none of
     * them does, a peer's opening INVITE is answered 480 Temporarily Unavailable: with several instances registered
     * under one address, a forking proxy then takes the answer of one that receives (a 200 here would make the peer
     * keep this session, and send everything to an instance with nobody to take it). Always, unless overridden.
     */
    default boolean acceptsSessions() {
        return true;
    }
}
