package dev.camelmsnftp.transfer;

/**
 * Receives files for a {@link TransferManager} (the Camel consumer is one). For each offer from a sender its
 * {@link #peers()} take, the manager checks the size limits, the free space and the encryption settings, then asks
 * {@link #decide}, all before anything is answered; an accepted offer then either arrives ({@link #onFile}) or does not
 * ({@link #onNotReceived}, and {@link #onFailure} when the transfer itself failed).
 */
public interface InboundHandler {

    /** Whose files it takes; a handler that names a sender's address is preferred, then one for its domain, then anyone. */
    PeerFilter peers();

    /** How its transfers are negotiated and limited. */
    TransferSettings settings();

    /**
     * Takes or declines an offer before it is answered: no byte of a declined file crosses the network. Called on the SIP
     * agent's thread: must be quick and must not block. Accepts everything by default.
     */
    default OfferDecision decide(Offer offer) {
        return OfferDecision.accept();
    }

    /**
     * A file arrived complete. Called on a transfer thread; the handler owns the file from now on and deletes it, or
     * keeps it, when done with it. Returning normally means the file was delivered; throwing means it was not (a sender
     * that waits for the outcome is told so). Either way the file is the handler's.
     */
    void onFile(ReceivedFile file) throws Exception;

    /**
     * An offer {@link #decide} accepted ended without {@link #onFile}: declined after all (no transfer slot, no room),
     * cancelled, or failed. Lets the handler undo what it noted when it accepted. Never throws.
     */
    default void onNotReceived(Offer offer) {
    }

    /** A transfer this handler had accepted failed; no file is delivered for it. */
    default void onFailure(TransferException failure) {
    }
}
