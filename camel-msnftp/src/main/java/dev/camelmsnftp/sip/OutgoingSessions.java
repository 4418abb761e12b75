package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IM sessions an agent opens (SPEC 3.3), one per peer: the first message to a peer sends the INVITE, the next ones
 * reuse its dialog while it is open; closed with BYE when idle, on request, or when the agent stops. A message that
 * fails in a session we reused with 481, 408, a time-out or a transport failure ends that session and is sent once
 * more in a new one: after the peer restarted, the first message to it goes through instead of failing until the
 * session's idle time-out.
 */
final class OutgoingSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingSessions.class);
    private final AgentRuntime runtime;
    private final RequestSender requests;
    private final Map<String, ImSession> sessions = new ConcurrentHashMap<>();

    OutgoingSessions(AgentRuntime runtime, RequestSender requests) {
        this.runtime = runtime;
        this.requests = requests;
    }

    /** Sends a MESSAGE to {@code peer} inside the IM session with it, opening one when none is open. */
    CompletableFuture<SipResponse> send(SipAddress peer, String contentType, byte[] body) {
        return send(peer, contentType, body, true);
    }

    private CompletableFuture<SipResponse> send(SipAddress peer, String contentType, byte[] body, boolean mayRetry) {
        String key = key(peer);
        ImSession[] created = new ImSession[1];
        ImSession session = sessions.compute(key, (k, existing) -> {
            if (existing != null && existing.acquire()) {
                return existing;
            }
            ImSession fresh = new ImSession(peer);
            fresh.acquire();
            created[0] = fresh;
            return fresh;
        });
        if (created[0] != null) {
            invite(key, session);
        }
        boolean reused = created[0] == null;
        return session.established()
                .thenCompose(dialog -> requests.inDialog(dialog, Request.MESSAGE, contentType, body))
                .handle((response, error) -> {
                    session.release();
                    if (error == null) {
                        scheduleIdleCheck(key, session);
                        return CompletableFuture.completedFuture(response);
                    }
                    SipAgentException failure = AgentRuntime.unwrap(error);
                    boolean ended = session.isTerminated() || reused && endsSession(failure);
                    if (ended) {
                        end(key, session, failure);
                    } else {
                        scheduleIdleCheck(key, session);
                    }
                    if (mayRetry && runtime.isRunning() && ended) {
                        LOG.debug("The IM session with {} is gone ({}); sending again in a new one", peer, failure.getMessage());
                        return send(peer, contentType, body, false);
                    }
                    return CompletableFuture.<SipResponse> failedFuture(failure);
                })
                .thenCompose(future -> future);
    }

    /**
     * Whether a failed request in a session we reused says the session is gone (RFC 3261 12.2.1.2: a 481 or a 408, and
     * a transaction time-out counts as a 408): the peer restarted and forgot the dialog, or stopped answering in it. A
     * transport failure says the same of a peer that no longer listens where the dialog points.
     */
    static boolean endsSession(SipAgentException failure) {
        return switch (failure.kind()) {
            case TIMEOUT, TRANSPORT -> true;
            case REJECTED -> failure.status().orElse(0) == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST
                             || failure.status().orElse(0) == Response.REQUEST_TIMEOUT;
            default -> false;
        };
    }

    /**
     * Ends a session that failed: never reused again. A peer that answered 481 no longer knows the dialog, so it is
     * only dropped here; otherwise the peer gets a BYE (best effort, not waited for) in case it still holds it.
     */
    private void end(String key, ImSession session, SipAgentException failure) {
        sessions.remove(key, session);
        if (!session.close()) {
            return;
        }
        Dialog dialog = session.dialog();
        if (dialog == null) {
            return;
        }
        if (failure.kind() == Kind.REJECTED && failure.status().orElse(0) == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST) {
            dialog.delete();
        } else {
            requests.bye(dialog);
        }
    }

    private static String key(SipAddress peer) {
        return peer.uri().toLowerCase(Locale.ROOT);
    }

    private void invite(String key, ImSession session) {
        try {
            SipAddress peer = session.peer();
            SipMessages messages = runtime.messages();
            Request invite = messages.request(Request.INVITE, messages.uri(peer), SipMessages.addressOf(peer), null,
                    runtime.nextCseq(), runtime.provider());
            SipMessages.setBody(invite, "application/sdp", messages.sdp().getBytes(StandardCharsets.US_ASCII));
            ClientTransaction transaction = runtime.provider().getNewClientTransaction(invite);
            Outgoing outgoing = new Outgoing(runtime, transaction, null, event -> confirm(event, session),
                    this::endExtraDialog);
            outgoing.send().whenComplete((response, error) -> {
                if (error != null) {
                    sessions.remove(key, session);
                    session.close();
                    session.established().completeExceptionally(AgentRuntime.unwrap(error));
                }
            });
        } catch (ParseException | InvalidArgumentException | SipException e) {
            sessions.remove(key, session);
            session.close();
            session.established().completeExceptionally(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot open an IM session: " + e.getMessage(), e));
        }
    }

    /**
     * The INVITE was answered 2xx: ACK it at once (on the JAIN-SIP thread that received the answer), then let messages
     * flow. The dialog knows its session before the ACK leaves: the peer's BYE or MESSAGE in it may be handled on
     * another thread as soon as the ACK is out.
     */
    private void confirm(ResponseEvent event, ImSession session) {
        Dialog dialog = event.getDialog();
        try {
            long number = ((CSeqHeader) event.getResponse().getHeader(CSeqHeader.NAME)).getSeqNumber();
            dialog.setApplicationData(session);
            dialog.sendAck(dialog.createAck(number));
            runtime.executeOrRun(() -> session.established().complete(dialog));
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            runtime.executeOrRun(() -> session.established().completeExceptionally(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot ACK the IM session: " + e.getMessage(), e)));
        }
    }

    /**
     * A 2xx to one of our INVITEs for a dialog we do not keep: a forking proxy sent the INVITE to several instances of
     * the peer and more than one answered (or one answered after we gave up). RFC 3261 13.2.2.4: ACK it, then end it
     * with BYE, so that the instance does not hold a session nobody uses. Runs on the JAIN-SIP thread that received it
     * (two copies of such a 2xx, which belong to no transaction, may come on two threads at once); JAIN-SIP answers
     * retransmissions of an ACKed 2xx itself.
     */
    void endExtraDialog(ResponseEvent event) {
        Dialog dialog = event.getDialog();
        if (dialog == null) {
            return;
        }
        synchronized (dialog) {
            if (dialog.getApplicationData() != null) {
                // ours (the session's dialog), or one already being ended
                return;
            }
            dialog.setApplicationData(EXTRA_DIALOG);
        }
        try {
            long number = ((CSeqHeader) event.getResponse().getHeader(CSeqHeader.NAME)).getSeqNumber();
            dialog.sendAck(dialog.createAck(number));
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("Cannot ACK the extra answer of {} to our INVITE: {}", dialog.getRemoteParty(), e.toString());
            return;
        }
        LOG.debug("Ending the extra IM session {} answered (forked INVITE)", dialog.getRemoteTarget());
        runtime.executeOrRun(() -> requests.bye(dialog));
    }

    /** The application data of a dialog we end as soon as it is confirmed. */
    private static final Object EXTRA_DIALOG = new Object();

    private void scheduleIdleCheck(String key, ImSession session) {
        if (!runtime.isRunning()) {
            return;
        }
        long idle = runtime.config().sessionIdleTimeout().toNanos();
        session.idleCheck(runtime.schedule(() -> {
            if (session.closeIfIdle(idle)) {
                sessions.remove(key, session);
                requests.bye(session.dialog());
            }
        }, runtime.config().sessionIdleTimeout()));
    }

    /** Ends the IM session we hold with {@code peer}, if any (BYE). */
    CompletableFuture<Void> close(SipAddress peer) {
        ImSession session = sessions.remove(key(peer));
        if (session == null || !session.close()) {
            return CompletableFuture.completedFuture(null);
        }
        return requests.bye(session.dialog()).thenApply(response -> null);
    }

    /** Ends every IM session we opened (BYE); the futures complete when each is answered. */
    List<CompletableFuture<SipResponse>> closeAll() {
        List<CompletableFuture<SipResponse>> byes = new ArrayList<>();
        for (String key : List.copyOf(sessions.keySet())) {
            ImSession session = sessions.remove(key);
            if (session != null && session.close()) {
                byes.add(requests.bye(session.dialog()));
            }
        }
        return byes;
    }

    /** Sessions still open. */
    int open() {
        return (int) sessions.values().stream().filter(session -> !session.isClosed()).count();
    }

    /** The peer ended the session (BYE) or its dialog terminated: closed, never reused. */
    void forget(ImSession session) {
        session.close();
        sessions.values().remove(session);
    }
}
