package dev.camelmsnftp.protocol;

/** The two MSNFTP dialects: the name each side writes in its {@code VER} line. */
public enum Dialect {
    /** Plain MSNFTP, as MSN Messenger and aMSN speak it. */
    MSNFTP,
    /** The OCS encrypted variant (SPEC 4.2): RC4 bodies and an HMAC-SHA1 MAC line after BYE. */
    MSN_SECURE_FTP;

    /** Whether block bodies are encrypted and a MAC follows. */
    public boolean encrypted() {
        return this == MSN_SECURE_FTP;
    }
}
