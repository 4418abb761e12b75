package dev.camelmsnftp.transfer;

/** The TCP connection could not be made, or ended before the transfer was complete. */
public class TransferConnectionLostException extends TransferException {

    private static final long serialVersionUID = 1L;

    public TransferConnectionLostException(String message, long cookie, String peer, Phase phase, Throwable cause) {
        super(message, cookie, peer, phase, cause);
    }
}
