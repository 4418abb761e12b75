package dev.camelmsnftp.transfer;

import java.util.Optional;

import dev.camelmsnftp.invite.Invitation;

/** Who speaks which dialect (SPEC 3.2): never silently plain to a peer that asked for encryption. */
final class Encryption {

    private Encryption() {
    }

    /**
     * The receiver's choice for an INVITE: encrypted (true), plain (false), or none possible (empty: decline).
     */
    static Optional<Boolean> receiverChoice(Invitation invite, EncryptionPolicy policy) {
        return switch (policy) {
            case AUTO -> Optional.of(invite.encryptionOffered());
            case REQUIRED -> invite.encryptionOffered() ? Optional.of(true) : Optional.empty();
            case DISABLED -> invite.encryptionRequired() ? Optional.empty() : Optional.of(false);
        };
    }

    /** What the sender writes in its INVITE: {@code R} when required, {@code S} when it may, nothing when disabled. */
    static void offer(Invitation.Builder invite, EncryptionPolicy policy) {
        if (policy != EncryptionPolicy.DISABLED) {
            invite.encryption(policy == EncryptionPolicy.REQUIRED);
        }
    }

    /** Why the sender refuses the receiver's answer, or empty when it can go ahead. */
    static Optional<String> senderRefusal(Invitation accept, EncryptionPolicy policy) {
        boolean keys = accept.keys().isPresent();
        if (!keys && policy == EncryptionPolicy.REQUIRED) {
            return Optional.of("the receiver did not accept the encrypted variant, and encryption=required");
        }
        if (keys && policy == EncryptionPolicy.DISABLED) {
            return Optional.of("the receiver asks for the encrypted variant, and encryption=disabled");
        }
        return Optional.empty();
    }
}
