package dev.camelmsnftp.transfer;

/** Receives files for a {@link TransferManager} (the Camel consumer is one). */
public interface InboundHandler {

    /** Whose files it takes; a handler for one sender is preferred over one for anyone. */
    PeerFilter peers();

    /** How its transfers are negotiated and limited. */
    TransferSettings settings();

    /**
     * A file arrived complete. Called on a transfer thread; the handler owns the file from now on and deletes it when
     * done with it. If this throws, the file is deleted for it.
     */
    void onFile(ReceivedFile file) throws Exception;

    /** A transfer this handler had accepted failed; no file is delivered for it. */
    default void onFailure(TransferException failure) {
    }
}
