package dev.camelmsnftp.transfer;

/**
 * A file sent: the receiver had every byte and said so with a success BYE.
 *
 * @param cookie    the Invitation-Cookie
 * @param peer      the recipient's SIP address
 * @param fileName  the name offered
 * @param bytes     the size sent
 * @param byeCode   the receiver's BYE code; -1 for an empty file whose receiver said TFR and never BYE (aMSN)
 * @param encrypted whether MSN_SECURE_FTP was used
 * @param flow      who listened
 */
public record TransferResult(long cookie, String peer, String fileName, long bytes, long byeCode, boolean encrypted,
        Flow flow) {
}
