package dev.camelmsnftp.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.message.Response;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request we sent, until its final response: retries once with digest credentials on 401/407, fails on a
 * 3xx-6xx, a transaction time-out or our own time-out. Completes its future on the agent's executor, never on the
 * JAIN-SIP thread that received the answer.
 */
final class Outgoing implements SharedStack.ResponseHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Outgoing.class);

    private final AgentRuntime runtime;
    private final String description;
    /** Whether the request is an INVITE (read once: JAIN-SIP may release a finished transaction's request). */
    private final boolean invite;
    private final Dialog dialog;
    private final Consumer<ResponseEvent> onSuccess;
    private final Consumer<ResponseEvent> onLaterSuccess;
    private final CompletableFuture<SipResponse> future = new CompletableFuture<>();
    /**
     * Claimed by the first final outcome (response, time-out, failure to send, stop); everything after it is late. A
     * claim, not a flag: a 2xx to an INVITE and our time-out at the same moment must not both act (the one would confirm
     * the dialog while the other reports the request failed, and nobody would end that dialog).
     */
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ClientTransaction transaction;
    /** When our time-out ends the request ({@link System#nanoTime()}), set as it is sent. */
    private volatile long deadline;
    private volatile Response finalResponse;
    private volatile long cseq;
    private boolean retried;

    /**
     * @param dialog    the dialog to send in, or null out of dialog
     * @param onSuccess run on the JAIN-SIP thread that received a 2xx, before the future completes (an INVITE's ACK),
     *                  or null
     */
    Outgoing(AgentRuntime runtime, ClientTransaction transaction, Dialog dialog, Consumer<ResponseEvent> onSuccess) {
        this(runtime, transaction, dialog, onSuccess, null);
    }

    /**
     * @param onLaterSuccess run on the JAIN-SIP thread that received it, for every 2xx that comes after the outcome
     *                       was decided: a forking proxy's further answers to an INVITE, or an answer after our
     *                       time-out; or null to ignore them
     */
    Outgoing(AgentRuntime runtime, ClientTransaction transaction, Dialog dialog, Consumer<ResponseEvent> onSuccess,
             Consumer<ResponseEvent> onLaterSuccess) {
        this.runtime = runtime;
        this.transaction = transaction;
        this.dialog = dialog;
        this.onSuccess = onSuccess;
        this.onLaterSuccess = onLaterSuccess;
        this.description = transaction.getRequest().getMethod() + " to " + transaction.getRequest().getRequestURI();
        this.invite = javax.sip.message.Request.INVITE.equals(transaction.getRequest().getMethod());
        this.cseq = cseqOf(transaction);
        transaction.setApplicationData(this);
        shortenTimerK(transaction);
    }

    CompletableFuture<SipResponse> future() {
        return future;
    }

    ClientTransaction transaction() {
        return transaction;
    }

    /**
     * Sends the request and arms the time-out. Cancelling the returned future gives the request up: its transaction is
     * ended, so nothing more of it is sent.
     */
    CompletableFuture<SipResponse> send() {
        deadline = System.nanoTime() + runtime.config().requestTimeout().toNanos();
        if (!runtime.track(this)) {
            // never sent: its transaction is ended here (JAIN-SIP would never end one it did not send)
            fail(new SipAgentException(Kind.TRANSPORT, "Not sending " + description + ": "
                                                       + runtime.config().maxPendingRequests()
                                                       + " requests already wait for their answer (maxPendingRequests)"),
                    true);
            return future;
        }
        future.whenComplete((response, error) -> {
            if (future.isCancelled()) {
                finish();
                endTransaction(true);
            }
        });
        try {
            if (dialog != null) {
                dialog.sendRequest(transaction);
            } else {
                transaction.sendRequest();
            }
        } catch (SipException | RuntimeException e) {
            fail(new SipAgentException(Kind.TRANSPORT, 0, "Cannot send " + description + ": " + e.getMessage(), e));
        }
        return future;
    }

    /** When our time-out ends the request, on the {@link System#nanoTime()} scale. */
    long deadline() {
        return deadline;
    }

    /** The CSeq number of the request as last sent (a digest retry takes the next one). */
    long cseq() {
        return cseq;
    }

    private static long cseqOf(ClientTransaction transaction) {
        return ((javax.sip.header.CSeqHeader) transaction.getRequest().getHeader(javax.sip.header.CSeqHeader.NAME))
                .getSeqNumber();
    }

    /** The final response that ended the request (the last one, after a digest retry), or null. */
    Response finalResponse() {
        return finalResponse;
    }

    @Override
    public void onResponse(ResponseEvent event) {
        Response response = event.getResponse();
        int status = response.getStatusCode();
        if (status < 200) {
            return;
        }
        if (finished.get() || future.isDone()) {
            if (status < 300 && onLaterSuccess != null) {
                onLaterSuccess.accept(event);
            }
            return;
        }
        finalResponse = response;
        if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED) && retryWithCredentials(
                response)) {
            return;
        }
        if (status < 300) {
            if (!finish()) {
                // our time-out (or a stop) decided first: this answer is late, as one after the outcome
                if (onLaterSuccess != null) {
                    onLaterSuccess.accept(event);
                }
                return;
            }
            if (onSuccess != null) {
                try {
                    onSuccess.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("Handling the answer to {} failed", description, e);
                }
            }
            report(new SipResponse(status, response.getReasonPhrase()));
            return;
        }
        boolean authentication = status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED
                                 || status == Response.FORBIDDEN && retried;
        fail(new SipAgentException(authentication ? Kind.AUTHENTICATION_FAILED : Kind.REJECTED, status,
                description + " was answered " + status + " " + response.getReasonPhrase()
                                                                          + (authentication ? " (credentials missing or refused)" : ""),
                null));
    }

    private boolean retryWithCredentials(Response challenge) {
        AuthenticationHelper helper = runtime.authenticationHelper();
        if (retried || helper == null) {
            return false;
        }
        retried = true;
        try {
            ClientTransaction retry = helper.handleChallenge(challenge, transaction, runtime.provider(), 5, true);
            retry.setApplicationData(this);
            shortenTimerK(retry);
            transaction = retry;
            cseq = cseqOf(retry);
            if (dialog != null && retry.getRequest().getHeader("To") != null
                && ((javax.sip.header.ToHeader) retry.getRequest().getHeader("To")).getTag() != null) {
                dialog.sendRequest(retry);
            } else {
                retry.sendRequest();
            }
            LOG.debug("{} challenged with {}; retried with credentials", description, challenge.getStatusCode());
            return true;
        } catch (SipException | RuntimeException e) {
            fail(new SipAgentException(Kind.AUTHENTICATION_FAILED, challenge.getStatusCode(),
                    "Cannot answer the digest challenge to " + description + ": " + e.getMessage(), e));
            return true;
        }
    }

    /**
     * Our time-out ({@code requestTimeout}, 10 s by default) is shorter than JAIN-SIP's transaction time-out (64*T1, 32
     * s): when we give up, the transaction is ended too, so that no retransmission delivers the request after we
     * reported it failed (a receiver that gave up on its ACCEPT must not have the sender act on it later).
     */
    void timedOut() {
        if (finished.get()) {
            return;
        }
        fail(new SipAgentException(Kind.TIMEOUT, "No final response to " + description + " within "
                                                 + runtime.config().requestTimeout()), true);
    }

    @Override
    public void onTimeout() {
        fail(new SipAgentException(Kind.TIMEOUT, "The SIP transaction of " + description + " timed out"));
    }

    /**
     * Reports the answer, then ends the transaction; both on the agent's executor, not on the JAIN-SIP thread that
     * received the answer, which holds the transaction's lock while it calls us (with JAIN-SIP's single event thread,
     * before the reentrant listener, that thread waited 0.4 ms for the lock for one response in five on loopback).
     */
    void complete(SipResponse response) {
        if (finish()) {
            report(response);
        }
    }

    private void report(SipResponse response) {
        runtime.executeOrRun(() -> {
            try {
                future.complete(response);
            } finally {
                endTransaction(false);
            }
        });
    }

    void fail(SipAgentException failure) {
        fail(failure, false);
    }

    /** Ends the transaction, then reports the failure: no retransmission of the request goes out after that. */
    private void fail(SipAgentException failure, boolean givenUp) {
        if (!finish()) {
            return;
        }
        runtime.executeOrRun(() -> {
            try {
                endTransaction(givenUp);
            } finally {
                future.completeExceptionally(failure);
            }
        });
    }

    /**
     * After the final response a non-INVITE client transaction only waits (Timer K, 5 s over UDP) to swallow
     * retransmissions of that response; ending it at once frees it (a late copy is then dropped as a stray response).
     * Its application data (this object, its future) is let go too. An INVITE's is kept after an answer (it carries
     * the 2xx and the ACK), but ended too when we {@code gaveUp} (our time-out, or the caller cancelled): then no
     * retransmission may deliver it after we reported it failed.
     * <p>
     * Over TCP and TLS an answered transaction is left to JAIN-SIP, which ends it itself at once (Timer K is 0 on a
     * reliable transport). Ending it here as well would race JAIN-SIP's reader thread, which may still be inside the
     * transaction when the listener has the response: the reader then fails on the released request and closes the
     * whole connection, losing the answers to every other request under way on it (seen with many MESSAGEs at once).
     */
    private void endTransaction(boolean gaveUp) {
        ClientTransaction done = transaction;
        try {
            done.setApplicationData(null);
            if (!gaveUp && (invite || reliable(done))) {
                return;
            }
            done.terminate();
            runtime.forget(done);
        } catch (SipException | RuntimeException e) {
            // whatever JAIN-SIP's state, the outcome is still reported (it is completed whatever happens here)
            LOG.debug("Could not end the transaction of {}: {}", description, e.toString());
        }
    }

    /**
     * Timer K down from T4 (5 s) to one tick of JAIN-SIP's timer (0.5 s) for a non-INVITE request. JAIN-SIP schedules
     * Timer K on the final response over UDP as a task it keeps no handle to, so nothing cancels it: ending the
     * transaction at once ({@link #endTransaction}) took it out of the stack's tables, but the pending task kept it
     * (its request and response as bytes, its channel, about 2 KiB) reachable for the whole 5 s, some 1500
     * transactions after a burst of 1000 small files. T4 is used for nothing else in a non-INVITE client transaction
     * (RFC 3261 17.1.2.2); not zero, since JAIN-SIP would then run Timer K and clean the transaction up before the
     * listener has the response (the digest retry still needs the request then).
     */
    private void shortenTimerK(ClientTransaction client) {
        if (!invite && client instanceof gov.nist.javax.sip.stack.SIPTransaction nist) {
            nist.setTimerT4(nist.getBaseTimerInterval());
        }
    }

    private static boolean reliable(ClientTransaction transaction) {
        return transaction instanceof gov.nist.javax.sip.stack.SIPTransaction nist && nist.isReliable();
    }

    /** Claims the outcome; false when another one already did. */
    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        runtime.untrack(this);
        return true;
    }
}
