package dev.camelmsnftp.transfer;

import java.util.OptionalLong;

/**
 * The transfer was cancelled after it was accepted: by the peer ({@code CCL}, an abort block, a CANCEL, BYE
 * 2164261682/2164261683) or on our side (the route or the CamelContext stopped).
 */
public class TransferCancelledException extends TransferException {

    private static final long serialVersionUID = 1L;

    private final boolean byPeer;
    private final long byeCode;

    public TransferCancelledException(String message, long cookie, String peer, Phase phase, boolean byPeer, long byeCode,
                                      Throwable cause) {
        super(message, cookie, peer, phase, cause);
        this.byPeer = byPeer;
        this.byeCode = byeCode;
    }

    /** Whether the peer cancelled (rather than us). */
    public boolean byPeer() {
        return byPeer;
    }

    /** The BYE code, when the cancel came as a BYE. */
    public OptionalLong byeCode() {
        return byeCode < 0 ? OptionalLong.empty() : OptionalLong.of(byeCode);
    }
}
