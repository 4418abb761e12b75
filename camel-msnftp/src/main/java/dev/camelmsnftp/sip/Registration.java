package dev.camelmsnftp.sip;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sip.ClientTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's registration at its registrar: REGISTER with digest, refreshed at 80 % of the granted lifetime,
 * retried after a failure, and removed (Expires: 0) when the agent stops. One Call-ID with increasing CSeq, as RFC
 * 3261 asks of a registering UA.
 */
final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final AgentRuntime runtime;
    private final HostPort registrar;
    private final AtomicLong cseq = new AtomicLong(1);
    private final List<Consumer<RegistrationState>> listeners = new CopyOnWriteArrayList<>();
    private CallIdHeader callId;
    private volatile RegistrationState state = RegistrationState.REGISTERING;
    private volatile SipAgentException failure;
    private ScheduledFuture<?> refresh;

    Registration(AgentRuntime runtime, HostPort registrar) {
        this.runtime = runtime;
        this.registrar = registrar;
    }

    RegistrationState state() {
        return state;
    }

    SipAgentException failure() {
        return failure;
    }

    void addListener(Consumer<RegistrationState> listener) {
        listeners.add(listener);
    }

    /** Sends a REGISTER for the configured lifetime; completes when the registrar accepted or refused it. */
    CompletableFuture<SipResponse> register() {
        setState(RegistrationState.REGISTERING);
        return send(runtime.config().registrationExpiry()).whenComplete((response, error) -> {
            if (error == null) {
                failure = null;
                setState(RegistrationState.REGISTERED);
            } else {
                failure = AgentRuntime.unwrap(error);
                LOG.warn("Registration of {} at {} failed: {}", runtime.config().localUser(), registrar, failure.getMessage());
                setState(RegistrationState.FAILED);
                scheduleRefresh(RETRY_AFTER_FAILURE);
            }
        });
    }

    /** Removes the binding (Expires: 0), waiting at most the request time-out. */
    void unregister() {
        cancelRefresh();
        if (state != RegistrationState.REGISTERED) {
            setState(RegistrationState.UNREGISTERED);
            return;
        }
        try {
            send(Duration.ZERO).get(runtime.config().requestTimeout().toMillis() + 500,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Unregistering {} failed: {}", runtime.config().localUser(), e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        setState(RegistrationState.UNREGISTERED);
    }

    private CompletableFuture<SipResponse> send(Duration expiry) {
        try {
            SipMessages messages = runtime.messages();
            javax.sip.address.SipURI uri = SipMessages.ADDRESSES.createSipURI(null, registrar.host());
            uri.setPort(registrar.port());
            uri.setTransportParam(registrar.transport().orElse(runtime.config().transport()).wireName());
            synchronized (this) {
                if (callId == null) {
                    callId = runtime.provider().getNewCallId();
                }
            }
            Request request = messages.request(Request.REGISTER, uri, SipMessages.addressOf(runtime.config().localUser()),
                    callId, cseq.getAndIncrement(), runtime.provider());
            request.removeHeader("Route");
            request.addHeader(SipMessages.HEADERS.createExpiresHeader((int) expiry.toSeconds()));
            ClientTransaction transaction = runtime.provider().getNewClientTransaction(request);
            Outgoing outgoing = new Outgoing(runtime, transaction, null, event -> granted(event.getResponse(), expiry));
            return outgoing.send().whenComplete((response, error) -> cseq.set(
                    Math.max(cseq.get(), sentCseq(outgoing.transaction()) + 1)));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot build REGISTER: " + e.getMessage(), e));
        }
    }

    private static long sentCseq(ClientTransaction transaction) {
        return ((javax.sip.header.CSeqHeader) transaction.getRequest().getHeader("CSeq")).getSeqNumber();
    }

    /** Schedules the refresh from what the registrar granted (our Contact's expires, else Expires, else asked). */
    private void granted(Response response, Duration asked) {
        if (asked.isZero()) {
            return;
        }
        long seconds = asked.toSeconds();
        ContactHeader contact = (ContactHeader) response.getHeader(ContactHeader.NAME);
        ExpiresHeader expires = (ExpiresHeader) response.getHeader(ExpiresHeader.NAME);
        if (contact != null && contact.getExpires() > 0) {
            seconds = contact.getExpires();
        } else if (expires != null && expires.getExpires() > 0) {
            seconds = expires.getExpires();
        }
        scheduleRefresh(Duration.ofSeconds(Math.max(1, seconds * 4 / 5)));
    }

    private synchronized void scheduleRefresh(Duration after) {
        cancelRefresh();
        refresh = runtime.schedule(this::register, after);
    }

    private synchronized void cancelRefresh() {
        if (refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }

    private void setState(RegistrationState next) {
        RegistrationState previous = state;
        state = next;
        if (previous != next) {
            LOG.debug("Registration of {}: {}", runtime.config().localUser(), next);
            for (Consumer<RegistrationState> listener : listeners) {
                try {
                    listener.accept(next);
                } catch (RuntimeException e) {
                    LOG.warn("Registration listener failed", e);
                }
            }
        }
    }
}
