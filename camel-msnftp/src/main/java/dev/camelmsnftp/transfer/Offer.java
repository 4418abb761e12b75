package dev.camelmsnftp.transfer;

import dev.camelmsnftp.sip.SipAddress;

/**
 * A File Transfer INVITE as a receiver sees it before anything is answered: what {@link InboundHandler#decide} looks at.
 *
 * @param cookie      the Invitation-Cookie
 * @param sender      who offers it
 * @param offeredName the name exactly as offered (not safe as a path)
 * @param fileName    the offered name reduced to a safe plain file name
 * @param size        the size offered
 * @param encrypted   whether the encrypted variant would be used
 * @param flow        who would listen
 */
public record Offer(long cookie, SipAddress sender, String offeredName, String fileName, long size, boolean encrypted,
        Flow flow) {
}
