package dev.camelmsnftp.protocol;

/**
 * What a receiver reports to a sender that waits for it (SPEC 5, acknowledge=afterRoute; the protocol page has the
 * design): called with the connection held open once the file is complete: after the last byte in the plain dialect,
 * whose {@code BYE} then carries the outcome; after the MAC checked in the encrypted dialect, where an
 * {@code ACK <code>} line after the MAC carries it.
 */
@FunctionalInterface
public interface DeliveryOutcome {

    /**
     * Delivers the file (runs the route) and says how it went.
     *
     * @return {@link ByeCodes#SUCCESS} when it was delivered, a failure code ({@link ByeCodes#NOT_DELIVERED}) when not
     */
    long deliver();
}
