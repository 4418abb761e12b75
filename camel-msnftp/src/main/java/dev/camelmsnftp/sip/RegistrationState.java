package dev.camelmsnftp.sip;

/** Where the agent's registration at its registrar stands. */
public enum RegistrationState {
    /** No registrar configured. */
    NOT_CONFIGURED,
    /** A REGISTER is under way (first one or a refresh after a failure). */
    REGISTERING,
    /** The registrar accepted us; refreshed before it expires. */
    REGISTERED,
    /** The last REGISTER failed; see {@link SipAgent#registrationFailure()}. Retried later. */
    FAILED,
    /** Unregistered (the agent stopped). */
    UNREGISTERED
}
