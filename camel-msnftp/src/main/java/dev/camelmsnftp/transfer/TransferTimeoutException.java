package dev.camelmsnftp.transfer;

/**
 * Nothing came in time: no answer to the INVITE ({@link Phase#ANSWER}, a CANCEL TIMEOUT was sent), no TCP connection
 * ({@link Phase#CONNECTION}, CANCEL FTTIMEOUT), or silence during the transfer ({@link Phase#TRANSFER}).
 */
public class TransferTimeoutException extends TransferException {

    private static final long serialVersionUID = 1L;

    public TransferTimeoutException(String message, long cookie, String peer, Phase phase, Throwable cause) {
        super(message, cookie, peer, phase, cause);
    }
}
