package dev.camelmsnftp.protocol;

/**
 * A completed MSNFTP session.
 *
 * @param bytes   the file bytes transferred
 * @param byeCode the BYE code the receiver sent
 * @param dialect the dialect spoken
 * @param outcome the delivery outcome the receiver reported after delivering the file (the held BYE of the plain
 *                dialect, the ACK line of the encrypted one), or -1 when the session did not include one
 */
public record MsnftpResult(long bytes, long byeCode, Dialect dialect, long outcome) {

    /** A session without a delivery outcome. */
    public MsnftpResult(long bytes, long byeCode, Dialect dialect) {
        this(bytes, byeCode, dialect, -1);
    }

    /** Whether the encrypted variant was used. */
    public boolean encrypted() {
        return dialect.encrypted();
    }

    /** Whether the receiver reported that it delivered the file (not only that it has the bytes). */
    public boolean delivered() {
        return outcome >= 0 && ByeCodes.isSuccess(outcome);
    }
}
