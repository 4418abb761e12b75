package dev.camelmsnftp.invite;

import java.util.Locale;
import java.util.Optional;

/** The {@code Invitation-Command} of a {@code text/x-msmsgsinvite} body. */
public enum InvitationCommand {
    /** The sender offers a file. */
    INVITE,
    /** The receiver takes it (plain, or offering to listen), or the sender answers a plain ACCEPT (flow A). */
    ACCEPT,
    /** Either side gives up; carries a {@code Cancel-Code}. */
    CANCEL;

    /** The command for a wire value, case-insensitively; empty for anything else. */
    public static Optional<InvitationCommand> fromWire(String value) {
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
