package dev.camelmsnftp.transfer;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The receiver declined the file: it answered {@code CANCEL} (see {@link #cancelCode()}: REJECT, REJECT_NOT_INSTALLED,
 * FAIL, ...), or the SIP request carrying the INVITE was refused (see {@link #sipStatus()}: 404, 480, 415, ...), or the
 * two sides' encryption settings have nothing in common.
 */
public class TransferRejectedException extends TransferException {

    private static final long serialVersionUID = 1L;

    private final String cancelCode;
    private final int sipStatus;

    public TransferRejectedException(String message, long cookie, String peer, Phase phase, String cancelCode, int sipStatus,
                                     Throwable cause) {
        super(message, cookie, peer, phase, cause);
        this.cancelCode = cancelCode;
        this.sipStatus = sipStatus;
    }

    /** The peer's Cancel-Code, when it sent a CANCEL. */
    public Optional<String> cancelCode() {
        return Optional.ofNullable(cancelCode);
    }

    /** The SIP status, when the SIP request was refused. */
    public OptionalInt sipStatus() {
        return sipStatus == 0 ? OptionalInt.empty() : OptionalInt.of(sipStatus);
    }
}
