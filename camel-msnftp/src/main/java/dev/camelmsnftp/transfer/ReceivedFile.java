package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.camelmsnftp.sip.SipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file received complete (every byte, success BYE sent, MAC checked when encrypted), in a temporary file of the
 * work directory whose name owes nothing to the peer. Whoever it is handed to owns it and must {@link #delete()} it.
 *
 * @param path             the temporary file
 * @param cookie           the Invitation-Cookie
 * @param sender           who sent it
 * @param offeredName      the name exactly as offered (not safe as a path)
 * @param fileName         the offered name reduced to a safe plain file name
 * @param size             its size
 * @param byeCode          16777989: the file is complete (with a sender that waits for the delivery, the BYE or ACK
 *                         it is sent carries the handler's outcome, after the handler)
 * @param encrypted        whether MSN_SECURE_FTP was used
 * @param flow             who listened
 */
public record ReceivedFile(Path path, long cookie, SipAddress sender, String offeredName, String fileName, long size,
        long byeCode, boolean encrypted, Flow flow) {

    private static final Logger LOG = LoggerFactory.getLogger(ReceivedFile.class);

    /** Deletes the temporary file; safe to call more than once. */
    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Cannot delete received file {}: {}", path, e.getMessage());
        }
    }
}
