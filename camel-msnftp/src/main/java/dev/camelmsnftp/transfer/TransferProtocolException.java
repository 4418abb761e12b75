package dev.camelmsnftp.transfer;

/**
 * The peer broke the protocol: a malformed invitation, no MSNFTP dialect in common, a wrong user or AuthCookie, a wrong
 * MAC, a bad block.
 */
public class TransferProtocolException extends TransferException {

    private static final long serialVersionUID = 1L;

    public TransferProtocolException(String message, long cookie, String peer, Phase phase, Throwable cause) {
        super(message, cookie, peer, phase, cause);
    }
}
