package dev.camelmsnftp.protocol;

import java.util.OptionalLong;

/**
 * A completed MSNFTP session.
 *
 * @param bytes   the file bytes transferred
 * @param byeCode the BYE code the receiver sent (success), or {@link #NO_BYE}: an empty file whose receiver said
 *                {@code TFR} and never {@code BYE}, as aMSN does
 * @param dialect the dialect spoken
 * @param outcome the delivery outcome the receiver reported after delivering the file (the held BYE of the plain
 *                dialect, the ACK line of the encrypted one), or -1 when the session did not include one
 */
public record MsnftpResult(long bytes, long byeCode, Dialect dialect, long outcome) {

    /** A session without a delivery outcome. */
    public MsnftpResult(long bytes, long byeCode, Dialect dialect) {
        this(bytes, byeCode, dialect, -1);
    }

    /** {@link #byeCode()} when the receiver of an empty file sent no BYE. */
    public static final long NO_BYE = -1;

    /** The receiver's BYE code, if it sent one. */
    public OptionalLong bye() {
        return byeCode == NO_BYE ? OptionalLong.empty() : OptionalLong.of(byeCode);
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
