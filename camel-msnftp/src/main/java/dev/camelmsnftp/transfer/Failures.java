package dev.camelmsnftp.transfer;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.protocol.ByeCodes;
import dev.camelmsnftp.protocol.MsnftpException;
import dev.camelmsnftp.sip.HostPort;
import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.transfer.TransferException.Phase;

/** Turns the lower layers' failures into the transfer exceptions users see. */
final class Failures {

    private Failures() {
    }

    /**
     * An MSNFTP session failure; {@code cancelledByPeerOverSip} when the peer's CANCEL is why we stopped it (its code or
     * "(none)"), {@code peerCancelCode} that CANCEL's Cancel-Code as sent ({@code null} without one).
     */
    static TransferException of(MsnftpException e, long cookie, String peer, String cancelledByPeerOverSip,
                                String peerCancelCode) {
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
                            peer, Phase.TRANSFER, true, -1, peerCancelCode, e)
                    : new TransferCancelledException("Cancelled: the transfer was stopped on our side", cookie, peer,
                            Phase.TRANSFER, false, -1, e);
        };
    }

    /**
     * Whether the peer already knows the session ended: it ended it itself ({@code CCL}, an abort block, a failure
     * {@code BYE}, or its SIP CANCEL), or we told it in the session with a failure {@code BYE} (a receiver out of disk
     * says {@code BYE 2147942405}). Then no CANCEL is sent to it: a CANCEL racing our {@code BYE} could reach the
     * sender first and turn what it reports into a cancellation. Any other failure after the transfer started is
     * answered with {@code CANCEL FTTIMEOUT}, in every flow.
     */
    static boolean peerKnows(MsnftpException e, String cancelledByPeerOverSip) {
        return e.kind() == MsnftpException.Kind.CANCELLED_BY_PEER || cancelledByPeerOverSip != null
               || e.kind() == MsnftpException.Kind.LOCAL_IO && e.byeCode().isPresent();
    }

    /**
     * The SIP request carrying an invitation to {@code peer} failed: a top-level message that says what happened and
     * which option to check, the failure as the cause.
     */
    static TransferException ofSip(SipAgentException e, long cookie, SipAddress peer, SipAgentConfig config) {
        String who = peer.addressOfRecord();
        String start = "Cannot offer the file to " + who + ": ";
        Optional<HostPort> proxy = config.outboundProxy();
        String transport = proxy.flatMap(HostPort::transport).orElse(config.transport()).wireName().toUpperCase(Locale.ROOT);
        String target = proxy.map(p -> "the outboundProxy " + p.hostAndPort())
                .orElse(peer.port().isPresent() ? "the peer address " + peer.host() + ":" + peer.port().getAsInt()
                        : "the peer's domain " + peer.host());
        if (e.unknownHost().isPresent()) {
            String advice = proxy.isPresent() ? "check the outboundProxy option"
                    : "check the endpoint's peer address, or set outboundProxy to send through a SIP proxy";
            return new TransferConnectionLostException(start + "the host " + e.unknownHost().get() + " of " + target
                                                       + " is unknown (" + advice + ")", cookie, peer.toString(),
                    Phase.SIGNALLING, e);
        }
        if (e.connectionRefused()) {
            String advice = proxy.isPresent() ? "check the outboundProxy option and sipTransport"
                    : "check the endpoint's peer address and port, and sipTransport";
            return new TransferConnectionLostException(start + "nothing accepts SIP over " + transport + " at " + target
                                                       + " (" + advice + ")", cookie, peer.toString(), Phase.SIGNALLING, e);
        }
        if (e.kind() == SipAgentException.Kind.TIMEOUT) {
            return noSipAnswer(e, cookie, peer, config, config.requestTimeout());
        }
        if (e.status().isEmpty()) {
            return new TransferConnectionLostException(start + e.getMessage(), cookie, peer.toString(), Phase.SIGNALLING, e);
        }
        int status = e.status().getAsInt();
        String answered = (proxy.isPresent() || peer.port().isEmpty() ? "the SIP server answered " : who + " answered ")
                          + statusLine(e);
        String what = switch (status) {
            case 404 -> answered + ": the address is unknown there (check the endpoint's peer address; the peer must be"
                        + " registered at the same registrar as we are)";
            case 480 -> answered + ": the peer is not signed in now, or nothing there receives files now (check that its"
                        + " application runs, registers and has a receiving route, then retry; a redelivery policy does it)";
            case 401, 407 -> answered + ": our credentials were refused (check the authUsername and password options)";
            case 403 -> answered + ": we may not send to this peer (check the identity and authUsername options)";
            case 408 -> answered + ": the peer's client did not answer (is its application running?)";
            case 481 -> answered + ": the peer refuses invitations outside an IM session (use sipMode=session)";
            case 415, 488 -> answered + ": the peer's client does not take File Transfer invitations";
            case 486, 600, 603 -> answered + ": the peer declined";
            default -> answered + " (check the endpoint's peer address" + (proxy.isPresent() ? " and outboundProxy)" : ")");
        };
        return new TransferRejectedException(start + what, cookie, peer.toString(), Phase.SIGNALLING, null, status, e);
    }

    /** No answer at all to the SIP request carrying an invitation. */
    static TransferException noSipAnswer(Exception e, long cookie, SipAddress peer, SipAgentConfig config, Duration within) {
        Optional<HostPort> proxy = config.outboundProxy();
        String transport = proxy.flatMap(HostPort::transport).orElse(config.transport()).wireName().toUpperCase(Locale.ROOT);
        String target = proxy.map(p -> "the outboundProxy " + p.hostAndPort() + " (check the outboundProxy option and"
                                       + " sipTransport)")
                .orElse(peer.port().isPresent() ? peer.host() + ":" + peer.port().getAsInt() + " (check the endpoint's peer"
                                                  + " address and port, and sipTransport; is the peer's application running?)"
                        : peer.host() + " (check the endpoint's peer address, or set outboundProxy)");
        return new TransferTimeoutException("Cannot offer the file to " + peer.addressOfRecord() + ": no answer over "
                                            + transport + " within " + within.toSeconds() + " s from " + target, cookie,
                peer.toString(), Phase.SIGNALLING, e);
    }

    /** The receiver answered our INVITE with CANCEL: what its Cancel-Code means and what can be done. */
    static TransferRejectedException declined(String code, String fileName, long cookie, SipAddress peer) {
        String meaning = switch (code) {
            case "REJECT" -> "declined by its user or its policy: a receiving msnftp endpoint declines senders it does not"
                             + " accept (its peer, allowedSenders), names it excludes (include/exclude), files over its"
                             + " maxFileSize or its free space, and encryption settings that do not meet (check the"
                             + " encryption option on both sides); its log says which";
            case "REJECT_NOT_INSTALLED" -> "the peer's client does not support File Transfer";
            case "FAIL" -> "the receiver cannot take it now (busy at its maxConcurrentTransfers, or an error on its side);"
                           + " retry later";
            case "TIMEOUT" -> "nobody answered the invitation on the peer's side";
            default -> "the peer's reason";
        };
        return new TransferRejectedException(peer.addressOfRecord() + " declined " + fileName + " (Cancel-Code " + code + ": "
                                             + meaning + ")", cookie, peer.toString(), Phase.ANSWER, code, 0, null);
    }

    private static String statusLine(SipAgentException e) {
        String message = String.valueOf(e.getMessage());
        String code = Integer.toString(e.status().getAsInt());
        int at = message.indexOf("answered " + code);
        if (at < 0) {
            return code;
        }
        String rest = message.substring(at + "answered ".length());
        int paren = rest.indexOf(" (");
        return paren > 0 ? rest.substring(0, paren) : rest;
    }

    /** Our MSNFTP listener could not be opened (bad {@code ftpHost}, every port of {@code ftpPort} taken): a local failure. */
    static TransferException cannotListen(TransferSettings settings, Exception e, long cookie, String peer) {
        return new TransferFailedException("Cannot listen on " + settings.ftpHost() + ":" + settings.ftpPort() + ": "
                                           + e.getMessage(), cookie, peer, Phase.CONNECTION, -1, e);
    }

    /**
     * The peer's ACCEPT points at an address {@code ftpPeerAddresses} does not let us connect to (another machine, or
     * one of our own services): refused before any connection is tried.
     */
    static TransferException refusedTarget(Invitation accept, TransferSettings settings,
                                           Collection<InetAddress> peerSipAddresses, long cookie, String peer) {
        return new TransferRejectedException("Not connecting to " + accept.ipAddress().orElse("?") + ":"
                                             + accept.port().orElse(0) + ", where the ACCEPT points: not an address of"
                                             + " the peer (ftpPeerAddresses=" + settings.ftpPeerAddresses()
                                             + "; its SIP requests came from " + peerSipAddresses.stream()
                                                     .map(InetAddress::getHostAddress).toList() + ")",
                cookie, peer, Phase.CONNECTION, null, 0, null);
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
