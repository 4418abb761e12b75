package dev.camelmsnftp.transfer;

import java.util.OptionalLong;

/**
 * The transfer failed with a failure BYE code (e.g. 2147942405: the receiver is out of disk space), or a local file
 * could not be read or written.
 */
public class TransferFailedException extends TransferException {

    private static final long serialVersionUID = 1L;

    private final long byeCode;

    public TransferFailedException(String message, long cookie, String peer, Phase phase, long byeCode, Throwable cause) {
        super(message, cookie, peer, phase, cause);
        this.byeCode = byeCode;
    }

    /** The failure BYE code (unsigned 32-bit), when there was one. */
    public OptionalLong byeCode() {
        return byeCode < 0 ? OptionalLong.empty() : OptionalLong.of(byeCode);
    }
}
