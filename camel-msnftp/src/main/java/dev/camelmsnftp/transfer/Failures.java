package dev.camelmsnftp.transfer;

import java.net.SocketTimeoutException;

import dev.camelmsnftp.protocol.ByeCodes;
import dev.camelmsnftp.protocol.MsnftpException;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.transfer.TransferException.Phase;

/** Turns the lower layers' failures into the transfer exceptions users see. */
final class Failures {

    private Failures() {
    }

    /** An MSNFTP session failure; {@code cancelledByPeerOverSip} when the peer's CANCEL is why we stopped it. */
    static TransferException of(MsnftpException e, long cookie, String peer, String cancelledByPeerOverSip) {
        String what = "MSNFTP session failed: " + e.getMessage();
        return switch (e.kind()) {
            case VERSION_MISMATCH, AUTHENTICATION_FAILED, MAC_MISMATCH, PROTOCOL_ERROR ->
                new TransferProtocolException(what, cookie, peer, Phase.TRANSFER, e);
            case TIMEOUT -> new TransferTimeoutException(what, cookie, peer, Phase.TRANSFER, e);
            case CONNECTION_LOST -> new TransferConnectionLostException(what, cookie, peer, Phase.TRANSFER, e);
            case LOCAL_IO -> new TransferFailedException(what, cookie, peer, Phase.TRANSFER, e.byeCode().orElse(-1), e);
            case CANCELLED_BY_PEER -> {
                long code = e.byeCode().orElse(-1);
                if (code >= 0 && code != ByeCodes.RECEIVER_CANCELLED && code != ByeCodes.SENDER_CANCELLED) {
                    yield new TransferFailedException("The peer ended the transfer with BYE " + ByeCodes.describe(code),
                            cookie, peer, Phase.TRANSFER, code, e);
                }
                yield new TransferCancelledException(what, cookie, peer, Phase.TRANSFER, true, code, e);
            }
            case CANCELLED -> cancelledByPeerOverSip != null
                    ? new TransferCancelledException("The peer cancelled (CANCEL " + cancelledByPeerOverSip + ")", cookie,
                            peer, Phase.TRANSFER, true, -1, e)
                    : new TransferCancelledException("Cancelled: the transfer was stopped on our side", cookie, peer,
                            Phase.TRANSFER, false, -1, e);
        };
    }

    /**
     * Whether the peer itself ended the session ({@code CCL}, an abort block, a failure {@code BYE}, or its SIP
     * CANCEL): then it knows, and no CANCEL is sent to it. Any other failure after the transfer started is answered
     * with {@code CANCEL FTTIMEOUT}, in every flow.
     */
    static boolean endedByPeer(MsnftpException e, String cancelledByPeerOverSip) {
        return e.kind() == MsnftpException.Kind.CANCELLED_BY_PEER || cancelledByPeerOverSip != null;
    }

    /** A SIP request for the transfer that failed. */
    static TransferException ofSip(SipAgentException e, long cookie, String peer) {
        if (e.kind() == SipAgentException.Kind.TIMEOUT) {
            return new TransferTimeoutException("The SIP request timed out: " + e.getMessage(), cookie, peer,
                    Phase.SIGNALLING, e);
        }
        if (e.status().isPresent()) {
            return new TransferRejectedException("The invitation was refused over SIP: " + e.getMessage(), cookie, peer,
                    Phase.SIGNALLING, null, e.status().getAsInt(), e);
        }
        return new TransferConnectionLostException("The invitation could not be sent: " + e.getMessage(), cookie, peer,
                Phase.SIGNALLING, e);
    }

    /** Our MSNFTP listener could not be opened (bad {@code ftpHost}, every port of {@code ftpPort} taken): a local failure. */
    static TransferException cannotListen(TransferSettings settings, Exception e, long cookie, String peer) {
        return new TransferFailedException("Cannot listen on " + settings.ftpHost() + ":" + settings.ftpPort() + ": "
                                           + e.getMessage(), cookie, peer, Phase.CONNECTION, -1, e);
    }

    /** The TCP connection could not be made or accepted. */
    static TransferException ofConnection(Exception e, long cookie, String peer, String what) {
        if (e instanceof SocketTimeoutException) {
            return new TransferTimeoutException(what + ": no connection within the accept time-out", cookie, peer,
                    Phase.CONNECTION, e);
        }
        return new TransferConnectionLostException(what + ": " + e.getMessage(), cookie, peer, Phase.CONNECTION, e);
    }
}
