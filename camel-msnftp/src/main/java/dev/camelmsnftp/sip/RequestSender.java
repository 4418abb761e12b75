package dev.camelmsnftp.sip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.message.Request;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an agent's requests: MESSAGEs out of dialog (pager mode, and replies to pager messages), and requests inside
 * a dialog (MESSAGE, BYE) one at a time per dialog.
 */
final class RequestSender {

    private static final Logger LOG = LoggerFactory.getLogger(RequestSender.class);

    private final AgentRuntime runtime;
    /** The last request sent in each dialog: the next waits for it (no pipelining within a dialog, see inDialog). */
    private final Map<Dialog, CompletableFuture<SipResponse>> dialogTails = new ConcurrentHashMap<>();

    /** Dialogs with a request under way. */
    int busyDialogs() {
        return dialogTails.size();
    }

    RequestSender(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /** A MESSAGE out of dialog (RFC 3428) to {@code peer}. */
    CompletableFuture<SipResponse> pager(SipAddress peer, String contentType, byte[] body) {
        SipMessages messages = runtime.messages();
        try {
            Request request = messages.request(Request.MESSAGE, messages.uri(peer), SipMessages.addressOf(peer), null,
                    runtime.nextCseq(), runtime.provider());
            SipMessages.setBody(request, contentType, body);
            return new Outgoing(runtime, runtime.provider().getNewClientTransaction(request), null, null).send();
        } catch (ParseException | InvalidArgumentException | SipException e) {
            return AgentRuntime.failed(Kind.TRANSPORT, "Cannot send MESSAGE to " + peer + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends a request in a dialog once the previous one in that dialog has its final response. Cancelling the returned
     * future gives the request up: not sent if it still waits its turn, its transaction ended if it was sent. Requests in a dialog
     * must reach the peer in CSeq order or it answers 500 (RFC 3261 12.2.2); over UDP, and at JAIN-SIP receivers that
     * process datagrams on several threads, only one request at a time guarantees it.
     */
    CompletableFuture<SipResponse> inDialog(Dialog dialog, String method, String contentType, byte[] body) {
        CompletableFuture<SipResponse> next;
        // the request once sent, and whether the caller gave it up (then it is given up as soon as it is sent)
        List<CompletableFuture<SipResponse>> sent = new ArrayList<>(1);
        boolean[] givenUp = new boolean[1];
        // opened once the tail is in place, outside the lock: sending may take seconds (a TCP connect to the peer's
        // Contact), and the lock is every dialog's, so the request is never sent while holding it
        CompletableFuture<Void> queued = new CompletableFuture<>();
        synchronized (dialogTails) {
            CompletableFuture<SipResponse> previous = dialogTails.getOrDefault(dialog, CompletableFuture.completedFuture(null));
            next = previous.handle((response, error) -> null).thenCombine(queued, (ignored, alsoIgnored) -> null)
                    .thenCompose(ignored -> {
                CompletableFuture<SipResponse> request = sendNow(dialog, method, contentType, body);
                synchronized (sent) {
                    sent.add(request);
                    if (givenUp[0]) {
                        request.cancel(false);
                    }
                }
                // before the next request in the dialog gets its turn: is the session still worth sending in?
                return request.whenComplete((response, error) -> noteBroken(dialog, request, error));
            });
            dialogTails.put(dialog, next);
        }
        queued.complete(null);
        CompletableFuture<SipResponse> tail = next;
        next.whenComplete((response, error) -> {
            dialogTails.remove(dialog, tail);
            if (tail.isCancelled()) {
                // given up by the caller: never sent if it was still waiting its turn, its transaction ended if not
                synchronized (sent) {
                    givenUp[0] = true;
                    sent.forEach(request -> request.cancel(false));
                }
            }
        });
        return next;
    }

    /**
     * A request in one of our IM sessions failed in a way that says the session is gone (no answer, 408, 481, the peer
     * no longer listens): the requests queued behind it are not sent in it, each to wait for its own time-out, but fail
     * at once, so that they go in a new session (see {@link OutgoingSessions}). What matters when the peer is one of
     * several instances of an address and died.
     */
    private static void noteBroken(Dialog dialog, CompletableFuture<SipResponse> request, Throwable error) {
        if (error != null && !request.isCancelled() && dialog.getApplicationData() instanceof ImSession session
            && OutgoingSessions.endsSession(AgentRuntime.unwrap(error))) {
            session.broke();
        }
    }

    private CompletableFuture<SipResponse> sendNow(Dialog dialog, String method, String contentType, byte[] body) {
        if (dialog.getState() != DialogState.CONFIRMED) {
            return AgentRuntime.failed(Kind.TRANSPORT, "The IM session with " + dialog.getRemoteParty() + " has ended", null);
        }
        if (!Request.BYE.equals(method) && dialog.getApplicationData() instanceof ImSession session && session.isBroken()) {
            return AgentRuntime.failed(Kind.TRANSPORT, "The IM session with " + dialog.getRemoteParty()
                                                       + " stopped answering; not sent in it", null);
        }
        try {
            Request request = dialog.createRequest(method);
            runtime.messages().stamp(request);
            if (body != null) {
                SipMessages.setBody(request, contentType, body);
            }
            return new Outgoing(runtime, runtime.provider().getNewClientTransaction(request), dialog, null).send();
        } catch (ParseException | SipException | RuntimeException e) {
            return AgentRuntime.failed(Kind.TRANSPORT, "Cannot send " + method + " in the IM session: " + e.getMessage(), e);
        }
    }

    /** Ends a confirmed dialog with BYE; completes (never fails) when it is answered or gave up. */
    CompletableFuture<SipResponse> bye(Dialog dialog) {
        if (dialog == null || dialog.getState() != DialogState.CONFIRMED) {
            return CompletableFuture.completedFuture(null);
        }
        return inDialog(dialog, Request.BYE, null, null).exceptionally(error -> {
            LOG.debug("BYE to {} failed: {}", dialog.getRemoteParty(), error.getMessage());
            return null;
        });
    }
}
