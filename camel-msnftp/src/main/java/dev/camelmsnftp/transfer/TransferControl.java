package dev.camelmsnftp.transfer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.protocol.MsnftpSession;
import dev.camelmsnftp.transfer.TransferException.Phase;

/**
 * What other threads do to a transfer, the same for one we send and one we receive: the peer's CANCEL, a cancel on
 * our side (the route or the context stops), and whatever the transfer waits on at that moment (the peer's next
 * invitation, a connection, the MSNFTP session), which then ends at once, also when it only begins after the stop.
 * It keeps SPEC 3's rule that after a CANCEL, ours or the peer's, no CANCEL is sent for the cookie.
 */
final class TransferControl {

    /** The peer's next invitation: its answer to our INVITE (sending), its address in flow A (receiving). */
    private final CompletableFuture<Invitation> next = new CompletableFuture<>();
    private final AtomicBoolean cancelSent = new AtomicBoolean();
    private volatile Connections connections;
    private volatile MsnftpSession session;
    private volatile String peerCancelCode;
    private volatile String peerCancelValue;
    private volatile boolean cancelledHere;
    private volatile boolean stopped;

    CompletableFuture<Invitation> next() {
        return next;
    }

    /**
     * The peer's invitation: completes {@link #next()} if it is awaited; a CANCEL (a decline, or a cancel at any later
     * time) also stops whatever the transfer waits on.
     */
    void fromPeer(Invitation invitation) {
        if (invitation.command() == InvitationCommand.CANCEL) {
            cancelSent.set(true);
            peerCancelValue = invitation.cancelCode().map(CancelCode::value).orElse(null);
            peerCancelCode = peerCancelValue != null ? peerCancelValue : "(none)";
            next.complete(invitation);
            stop();
        } else {
            next.complete(invitation);
        }
    }

    /** Cancels on our side. */
    void cancelHere() {
        cancelledHere = true;
        stop();
    }

    /** Waits from now on through {@code waits}; it is cancelled at once if the transfer was stopped already. */
    Connections waitingOn(Connections waits) {
        connections = waits;
        if (stopped) {
            waits.cancel();
        }
        return waits;
    }

    /** The MSNFTP session from now on; it is cancelled at once if the transfer was stopped already. */
    <S extends MsnftpSession> S running(S running) {
        session = running;
        if (stopped) {
            running.cancel();
        }
        return running;
    }

    /** Whether we may send a CANCEL now (and so claim the one there may be); false once the peer sent its own. */
    boolean claimCancel() {
        return peerCancelCode == null && cancelSent.compareAndSet(false, true);
    }

    /** The peer's Cancel-Code once it cancelled over SIP, else {@code null}. */
    String peerCancelCode() {
        return peerCancelCode;
    }

    /** The Cancel-Code of the peer's CANCEL as it sent it, {@code null} when it sent none or did not cancel. */
    String peerCancelValue() {
        return peerCancelValue;
    }

    /** Whether the MSNFTP session has settled: it runs to its end whatever a cancel says (see MsnftpSession#settle). */
    boolean sessionSettled() {
        MsnftpSession running = session;
        return running != null && running.settled();
    }

    boolean cancelledHere() {
        return cancelledHere;
    }

    /** The failure for a transfer stopped in {@code phase} by the peer's CANCEL or on our side. */
    TransferCancelledException cancellation(String peerRole, long cookie, String peer, Phase phase) {
        String code = peerCancelCode;
        return code != null
                ? new TransferCancelledException("The " + peerRole + " cancelled (CANCEL " + code + ")", cookie, peer, phase,
                        true, -1, peerCancelValue, null)
                : new TransferCancelledException("Cancelled on our side", cookie, peer, phase, false, -1, null);
    }

    private void stop() {
        stopped = true;
        next.cancel(false);
        Connections waits = connections;
        if (waits != null) {
            waits.cancel();
        }
        MsnftpSession running = session;
        if (running != null) {
            running.cancel();
        }
    }
}
