package dev.camelmsnftp.transfer;

import java.util.Objects;
import java.util.Optional;

import dev.camelmsnftp.invite.CancelCode;

/** What a receiver answers an {@link Offer}: take it, or decline it with a Cancel-Code and a reason for the log. */
public final class OfferDecision {

    private static final OfferDecision ACCEPT = new OfferDecision(null, null);

    private final CancelCode cancelCode;
    private final String reason;

    private OfferDecision(CancelCode cancelCode, String reason) {
        this.cancelCode = cancelCode;
        this.reason = reason;
    }

    public static OfferDecision accept() {
        return ACCEPT;
    }

    /**
     * @param cancelCode what the sender is told, usually {@link CancelCode#REJECT}
     * @param reason     why, for our log line (never sent)
     */
    public static OfferDecision decline(CancelCode cancelCode, String reason) {
        return new OfferDecision(Objects.requireNonNull(cancelCode, "cancelCode"), Objects.requireNonNull(reason, "reason"));
    }

    public boolean accepted() {
        return cancelCode == null;
    }

    /** The Cancel-Code of a decline. */
    public Optional<CancelCode> cancelCode() {
        return Optional.ofNullable(cancelCode);
    }

    /** Why it was declined; empty when accepted. */
    public String reason() {
        return reason == null ? "" : reason;
    }

    @Override
    public String toString() {
        return accepted() ? "accept" : "decline " + cancelCode + " (" + reason + ")";
    }
}
