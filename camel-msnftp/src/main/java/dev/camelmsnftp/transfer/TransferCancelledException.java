package dev.camelmsnftp.transfer;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The transfer was cancelled after it was accepted: by the peer ({@code CCL}, an abort block, a CANCEL, BYE
 * 2164261682/2164261683) or on our side (the route or the CamelContext stopped). When the peer cancelled with a SIP
 * {@code CANCEL}, {@link #cancelCode()} is its {@code Cancel-Code} ({@code FTTIMEOUT}, {@code OUTBANDCANCEL}, ...).
 */
public class TransferCancelledException extends TransferException {

    private static final long serialVersionUID = 1L;

    private final boolean byPeer;
    private final long byeCode;
    private final String cancelCode;

    public TransferCancelledException(String message, long cookie, String peer, Phase phase, boolean byPeer, long byeCode,
                                      Throwable cause) {
        this(message, cookie, peer, phase, byPeer, byeCode, null, cause);
    }

    /** {@code cancelCode}: the Cancel-Code of the peer's SIP CANCEL, {@code null} when there was none. */
    public TransferCancelledException(String message, long cookie, String peer, Phase phase, boolean byPeer, long byeCode,
                                      String cancelCode, Throwable cause) {
        super(message, cookie, peer, phase, cause);
        this.byPeer = byPeer;
        this.byeCode = byeCode;
        this.cancelCode = cancelCode;
    }

    /** Whether the peer cancelled (rather than us). */
    public boolean byPeer() {
        return byPeer;
    }

    /** The BYE code, when the cancel came as a BYE. */
    public OptionalLong byeCode() {
        return byeCode < 0 ? OptionalLong.empty() : OptionalLong.of(byeCode);
    }

    /**
     * The peer's Cancel-Code, when it cancelled with a SIP {@code CANCEL} that had one (not for {@code CCL}, an abort
     * block, a BYE, or a cancel on our side).
     */
    public Optional<String> cancelCode() {
        return Optional.ofNullable(cancelCode);
    }
}
