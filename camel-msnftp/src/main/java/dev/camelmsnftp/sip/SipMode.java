package dev.camelmsnftp.sip;

import java.util.Locale;

/** How the agent carries the MESSAGEs it sends (SPEC 3.3). Incoming MESSAGEs are accepted either way. */
public enum SipMode {
    /** Inside an IM session set up with INVITE and closed with BYE, as OCS does; the session is reused while open. */
    SESSION,
    /** Out-of-dialog MESSAGE requests (RFC 3428). */
    PAGER;

    /** Parses {@code session} or {@code pager}, in any case. */
    public static SipMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown SIP mode '" + text + "': use session or pager", e);
        }
    }
}
