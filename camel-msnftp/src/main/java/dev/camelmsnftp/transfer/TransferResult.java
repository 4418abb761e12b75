package dev.camelmsnftp.transfer;

/**
 * A file sent: the receiver had every byte and said so with a success BYE.
 *
 * @param cookie      the Invitation-Cookie
 * @param peer        the recipient's SIP address
 * @param fileName    the name offered
 * @param bytes       the size sent
 * @param byeCode     the receiver's BYE code; -1 for an empty file whose receiver said TFR and never BYE (aMSN)
 * @param encrypted   whether MSN_SECURE_FTP was used
 * @param flow        who listened
 * @param acknowledge what the receiver's success means: {@link Acknowledgement#AFTER_ROUTE} when it confirmed that it
 *                    delivered the file, {@link Acknowledgement#AFTER_RECEIVE} when only that it has the bytes
 */
public record TransferResult(long cookie, String peer, String fileName, long bytes, long byeCode, boolean encrypted,
        Flow flow, Acknowledgement acknowledge) {

    /** A file the receiver confirmed it has (not that it delivered it). */
    public TransferResult(long cookie, String peer, String fileName, long bytes, long byeCode, boolean encrypted,
                          Flow flow) {
        this(cookie, peer, fileName, bytes, byeCode, encrypted, flow, Acknowledgement.AFTER_RECEIVE);
    }
}
