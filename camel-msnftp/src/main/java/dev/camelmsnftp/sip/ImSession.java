package dev.camelmsnftp.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import javax.sip.Dialog;
import javax.sip.DialogState;

/**
 * An IM session we opened to one peer (SPEC 3.3): the INVITE dialog our MESSAGEs travel in. Reused by the next
 * message to the same peer while open; closed with BYE after the idle time-out, when the agent stops, or by the peer.
 */
final class ImSession {

    private final SipAddress peer;
    private final CompletableFuture<Dialog> established = new CompletableFuture<>();
    private int inFlight;
    private long lastUse = System.nanoTime();
    private boolean closed;
    /** A request in it went unanswered or was refused as out of dialog: nothing more is sent in it but BYE. */
    private volatile boolean broken;
    private ScheduledFuture<?> idleCheck;

    ImSession(SipAddress peer) {
        this.peer = peer;
    }

    SipAddress peer() {
        return peer;
    }

    /** Completes with the confirmed dialog once the INVITE was answered 200 (and ACKed). */
    CompletableFuture<Dialog> established() {
        return established;
    }

    /** Takes the session for one message; false when it is closing and a new one is needed. */
    synchronized boolean acquire() {
        if (closed || broken || established.isCompletedExceptionally() || isTerminated()) {
            return false;
        }
        inFlight++;
        lastUse = System.nanoTime();
        return true;
    }

    synchronized void release() {
        inFlight--;
        lastUse = System.nanoTime();
    }

    /** Closes the session for reuse if nobody used it for {@code idleNanos}; returns whether it did. */
    synchronized boolean closeIfIdle(long idleNanos) {
        if (!closed && inFlight == 0 && System.nanoTime() - lastUse >= idleNanos) {
            closed = true;
            return true;
        }
        return false;
    }

    /** A request in it said the peer no longer holds it or no longer answers in it. */
    void broke() {
        broken = true;
    }

    boolean isBroken() {
        return broken;
    }

    /** Marks it closed; returns whether it was open. */
    synchronized boolean close() {
        boolean wasOpen = !closed;
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        return wasOpen;
    }

    synchronized void idleCheck(ScheduledFuture<?> check) {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        idleCheck = check;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The dialog, once established. */
    Dialog dialog() {
        return established.isDone() && !established.isCompletedExceptionally() ? established.join() : null;
    }

    boolean isTerminated() {
        Dialog dialog = dialog();
        return dialog != null && dialog.getState() == DialogState.TERMINATED;
    }
}
