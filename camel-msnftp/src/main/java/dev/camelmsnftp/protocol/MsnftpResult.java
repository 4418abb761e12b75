package dev.camelmsnftp.protocol;

/**
 * A completed MSNFTP session.
 *
 * @param bytes   the file bytes transferred
 * @param byeCode the BYE code the receiver sent (success)
 * @param dialect the dialect spoken
 */
public record MsnftpResult(long bytes, long byeCode, Dialect dialect) {

    /** Whether the encrypted variant was used. */
    public boolean encrypted() {
        return dialect.encrypted();
    }
}
