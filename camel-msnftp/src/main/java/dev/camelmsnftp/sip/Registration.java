package dev.camelmsnftp.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sip.ClientTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's registration at its registrar: REGISTER with digest, refreshed at 80 % of the granted lifetime, and
 * removed (Expires: 0) when the agent stops. One Call-ID with increasing CSeq, as RFC 3261 asks of a registering UA,
 * and one request at a time.
 * <p>
 * A registrar that restarts forgets its bindings (Kamailio keeps them in memory), and the user stays unreachable until
 * the next refresh unless we notice. So, while registered:
 * <ul>
 * <li>every {@code keepAliveInterval} the binding is checked with a REGISTER query (no Contact, RFC 3261 10.2.3): when
 * the registrar no longer lists our Contact, we register again at once. This works on every transport (on UDP nothing
 * else would tell us) and also keeps the connection and any NAT binding toward the registrar alive;</li>
 * <li>over TCP and TLS, the connection to the registrar closing (it stopped or restarted) triggers a REGISTER at
 * once.</li>
 * </ul>
 * A REGISTER that fails because the registrar cannot be reached (time-out, connection refused, 5xx) is retried after 1
 * s, then 2, 4, ... up to {@code keepAliveInterval} (30 s without keep-alive); one the registrar refuses (4xx,
 * credentials) every 30 s. A 423 Interval Too Brief is answered at once with the registrar's Min-Expires.
 */
final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final Duration RETRY_AFTER_REFUSAL = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private final AgentRuntime runtime;
    private final HostPort registrar;
    private final AtomicLong cseq = new AtomicLong(1);
    private final List<Consumer<RegistrationState>> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<InetSocketAddress> connectionClosed = this::onConnectionClosed;
    private CallIdHeader callId;
    private volatile RegistrationState state = RegistrationState.REGISTERING;
    private volatile SipAgentException failure;
    /** The lifetime we ask for: registrationExpiry, raised to the registrar's Min-Expires after a 423. */
    private volatile Duration expiry;
    /** Whether the registrar lists Contacts in a form we recognise ours in; if not, a query only checks reachability. */
    private volatile boolean contactRecognised = true;
    /** The last request to the registrar: the next waits for it (one CSeq at a time). */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private CompletableFuture<SipResponse> registering;
    private int failures;
    private ScheduledFuture<?> next;
    private volatile boolean stopped;

    Registration(AgentRuntime runtime, HostPort registrar) {
        this.runtime = runtime;
        this.registrar = registrar;
        this.expiry = runtime.config().registrationExpiry();
        runtime.stack().addConnectionListener(connectionClosed);
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

    /**
     * Sends a REGISTER for the configured lifetime (unless one is under way, whose outcome is returned); completes when
     * the registrar accepted or refused it. Either way the next REGISTER or check is scheduled.
     */
    synchronized CompletableFuture<SipResponse> register() {
        if (registering != null) {
            return registering;
        }
        cancelNext();
        if (state != RegistrationState.REGISTERED) {
            setState(RegistrationState.REGISTERING);
        }
        CompletableFuture<SipResponse> attempt = new CompletableFuture<>();
        registering = attempt;
        registerAllowingOneRaise().whenComplete((response, error) -> registered(attempt, response, error));
        return attempt;
    }

    /** A REGISTER; after a 423 Interval Too Brief, once more with the registrar's Min-Expires. */
    private CompletableFuture<SipResponse> registerAllowingOneRaise() {
        CompletableFuture<SipResponse> result = new CompletableFuture<>();
        send(true, expiry).whenComplete((response, error) -> {
            if (error == null) {
                result.complete(response);
                return;
            }
            SipAgentException failed = AgentRuntime.unwrap(error);
            if (failed instanceof IntervalTooBrief brief && brief.minimum.compareTo(expiry) > 0 && !stopped) {
                LOG.info("Registrar {} asks for at least {} s (Min-Expires); registering {} for that long", registrar,
                        brief.minimum.toSeconds(), runtime.config().localUser());
                expiry = brief.minimum;
                send(true, expiry).whenComplete((again, stillFailed) -> {
                    if (stillFailed == null) {
                        result.complete(again);
                    } else {
                        result.completeExceptionally(AgentRuntime.unwrap(stillFailed));
                    }
                });
                return;
            }
            result.completeExceptionally(failed);
        });
        return result;
    }

    private void registered(CompletableFuture<SipResponse> attempt, SipResponse response, Throwable error) {
        SipAgentException failed = null;
        int count = 0;
        boolean wasStopped;
        synchronized (this) {
            if (registering == attempt) {
                registering = null;
            }
            wasStopped = stopped;
            if (error == null) {
                failures = 0;
                failure = null;
            } else {
                failed = AgentRuntime.unwrap(error);
                failure = failed;
                count = ++failures;
            }
        }
        if (!wasStopped) {
            if (failed == null) {
                setState(RegistrationState.REGISTERED);
                scheduleNext();
            } else {
                Duration retry = retryDelay(failed, count);
                LOG.warn("Registration of {} at {} failed: {}; trying again in {} s", runtime.config().localUser(),
                        registrar, failed.getMessage(), retry.toMillis() / 1000.0);
                setState(RegistrationState.FAILED);
                schedule(this::register, retry);
            }
        }
        if (failed == null) {
            attempt.complete(response);
        } else {
            attempt.completeExceptionally(failed);
        }
    }

    /** Refused by the registrar: every 30 s. Registrar unreachable: 1 s, doubling up to the keep-alive interval. */
    private Duration retryDelay(SipAgentException failed, int attempt) {
        boolean refused = failed.kind() == Kind.AUTHENTICATION_FAILED
                          || failed.kind() == Kind.REJECTED && failed.status().orElse(500) < 500;
        if (refused) {
            return RETRY_AFTER_REFUSAL;
        }
        Duration longest = keepAlive().isZero() || keepAlive().compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : keepAlive();
        long millis = FIRST_RETRY.toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(millis, longest.toMillis()));
    }

    private Duration keepAlive() {
        return runtime.config().keepAliveInterval();
    }

    /** While registered: the refresh at 80 % of the granted lifetime, or the binding check, whichever comes first. */
    private void scheduleNext() {
        Duration refresh = Duration.ofMillis(Math.max(1000, granted.toMillis() * 4 / 5));
        Duration keepAlive = keepAlive();
        if (!keepAlive.isZero() && keepAlive.compareTo(refresh) < 0) {
            refreshAt = System.nanoTime() + refresh.toNanos();
            schedule(this::checkBinding, keepAlive);
        } else {
            schedule(this::register, refresh);
        }
    }

    /** The lifetime the registrar granted in its last 2xx. */
    private volatile Duration granted = Duration.ofMinutes(10);
    /** When the refresh is due, as System.nanoTime. */
    private volatile long refreshAt;
    /** Whether the registrar ever accepted a binding of ours, and until when (System.nanoTime) it holds it. */
    private volatile boolean bound;
    private volatile long boundUntil;

    /**
     * Asks the registrar for our bindings. Ours gone: register again now. Registrar unreachable: FAILED, and REGISTER
     * retried until it answers. Otherwise the next check (or the refresh, when it is due first).
     */
    private void checkBinding() {
        synchronized (this) {
            if (stopped || registering != null) {
                return;
            }
            if (System.nanoTime() - refreshAt >= 0) {
                register();
                return;
            }
        }
        send(false, null).whenComplete((response, error) -> {
            if (stopped) {
                return;
            }
            if (error != null) {
                SipAgentException failed = AgentRuntime.unwrap(error);
                if (failed.kind() == Kind.STOPPED) {
                    return;
                }
                LOG.info("Checking the registration of {} at {} failed ({}); registering again", runtime.config().localUser(),
                        registrar, failed.getMessage());
                register();
            } else if (response == null) {
                LOG.info("Registrar {} no longer has the registration of {} (did it restart?); registering again",
                        registrar, runtime.config().localUser());
                register();
            } else {
                synchronized (this) {
                    if (registering == null && !stopped) {
                        long left = refreshAt - System.nanoTime();
                        schedule(this::checkBinding, Duration.ofNanos(Math.max(0, Math.min(left, keepAlive().toNanos()))));
                    }
                }
            }
        });
    }

    /**
     * Over TCP/TLS: a connection of our stack closed (told on a JAIN-SIP thread, so the work is done on our timer).
     * When it was the one to the registrar, the registrar may have restarted and lost our binding: register again.
     */
    private void onConnectionClosed(InetSocketAddress peer) {
        if (stopped || peer.getPort() != registrar.port()) {
            return;
        }
        runtime.schedule(() -> {
            if (stopped || state != RegistrationState.REGISTERED || !isRegistrar(peer.getAddress())) {
                return;
            }
            LOG.info("The connection to registrar {} closed; registering {} again", registrar, runtime.config().localUser());
            register();
        }, Duration.ZERO);
    }

    private boolean isRegistrar(InetAddress address) {
        try {
            for (InetAddress candidate : InetAddress.getAllByName(registrar.host())) {
                if (candidate.equals(address)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            LOG.debug("Cannot resolve registrar {}: {}", registrar, e.getMessage());
        }
        return false;
    }

    /** Forgets an agent that never started: nothing was sent, and its stack no longer tells it of closed connections. */
    void abandon() {
        synchronized (this) {
            stopped = true;
            cancelNext();
        }
        runtime.stack().removeConnectionListener(connectionClosed);
    }

    /**
     * Removes the binding (Expires: 0), waiting at most the request time-out. Also when the state is not REGISTERED but
     * a binding may still be there: a refresh that failed (FAILED) leaves the one granted before until it expires, and
     * a REGISTER under way may yet be accepted (the removal is sent after it).
     */
    void unregister() {
        boolean wasRegistered;
        synchronized (this) {
            stopped = true;
            cancelNext();
            wasRegistered = state == RegistrationState.REGISTERED || registering != null
                            || bound && System.nanoTime() - boundUntil < 0;
        }
        runtime.stack().removeConnectionListener(connectionClosed);
        if (!wasRegistered) {
            setState(RegistrationState.UNREGISTERED);
            return;
        }
        try {
            send(true, Duration.ZERO).get(runtime.config().requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Unregistering {} failed: {}", runtime.config().localUser(), e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        setState(RegistrationState.UNREGISTERED);
    }

    /**
     * A REGISTER after the previous one to the registrar finished: with our Contact and {@code expires} (a
     * registration, or Expires 0 to remove it), or without Contact (a query). A query completes with null when the
     * registrar no longer lists our Contact.
     */
    private synchronized CompletableFuture<SipResponse> send(boolean withContact, Duration expires) {
        CompletableFuture<SipResponse> sent = tail.handle((ignored, error) -> null)
                .thenCompose(ignored -> sendNow(withContact, expires));
        tail = sent;
        return sent;
    }

    private CompletableFuture<SipResponse> sendNow(boolean withContact, Duration expires) {
        if (stopped && (expires == null || !expires.isZero())) {
            return AgentRuntime.stopped();
        }
        ClientTransaction transaction;
        CompletableFuture<SipResponse> outcome = new CompletableFuture<>();
        try {
            SipMessages messages = runtime.messages();
            SipURI uri = SipMessages.ADDRESSES.createSipURI(null, registrar.host());
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
            if (withContact) {
                request.addHeader(SipMessages.HEADERS.createExpiresHeader((int) expires.toSeconds()));
            } else {
                request.removeHeader(ContactHeader.NAME);
            }
            transaction = runtime.provider().getNewClientTransaction(request);
            Response[] answer = new Response[1];
            Outgoing outgoing = new Outgoing(runtime, transaction, null, event -> answer[0] = event.getResponse());
            outgoing.send().whenComplete((response, error) -> {
                cseq.set(Math.max(cseq.get(), outgoing.cseq() + 1));
                if (error != null) {
                    outcome.completeExceptionally(tooBrief(AgentRuntime.unwrap(error), outgoing.finalResponse()));
                } else if (!withContact) {
                    outcome.complete(listsOurContact(answer[0]) ? response : null);
                } else {
                    if (!expires.isZero()) {
                        granted(answer[0]);
                    }
                    outcome.complete(response);
                }
            });
        } catch (Exception e) {
            outcome.completeExceptionally(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot build REGISTER: " + e.getMessage(), e));
        }
        return outcome;
    }

    /** A 423 carries the registrar's Min-Expires. */
    private static SipAgentException tooBrief(SipAgentException failed, Response last) {
        if (failed.kind() != Kind.REJECTED || failed.status().orElse(0) != Response.INTERVAL_TOO_BRIEF) {
            return failed;
        }
        MinExpiresHeader minimum = last == null ? null : (MinExpiresHeader) last.getHeader(MinExpiresHeader.NAME);
        return minimum == null || minimum.getExpires() <= 0 ? failed
                : new IntervalTooBrief(failed, Duration.ofSeconds(minimum.getExpires()));
    }

    /** The lifetime the registrar granted: our Contact's expires, else Expires, else what we asked for. */
    private void granted(Response response) {
        long seconds = expiry.toSeconds();
        ContactHeader ours = ourContact(response);
        ExpiresHeader expires = (ExpiresHeader) response.getHeader(ExpiresHeader.NAME);
        if (ours != null && ours.getExpires() > 0) {
            seconds = ours.getExpires();
        } else if (expires != null && expires.getExpires() > 0) {
            seconds = expires.getExpires();
        }
        contactRecognised = ours != null;
        if (ours == null) {
            LOG.debug("Registrar {} does not list our Contact in a form we recognise; the keep-alive only checks that it"
                      + " answers", registrar);
        }
        granted = Duration.ofSeconds(seconds);
        boundUntil = System.nanoTime() + granted.toNanos();
        bound = true;
    }

    private boolean listsOurContact(Response response) {
        return !contactRecognised || response != null && ourContact(response) != null;
    }

    /** Our Contact among those a 2xx to REGISTER lists (all of the address of record's bindings), or null. */
    private ContactHeader ourContact(Response response) {
        SipURI mine;
        try {
            mine = runtime.messages().contactUri();
        } catch (java.text.ParseException e) {
            return null;
        }
        for (ListIterator<?> contacts = response.getHeaders(ContactHeader.NAME); contacts.hasNext();) {
            ContactHeader contact = (ContactHeader) contacts.next();
            if (contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri && same(uri, mine)) {
                return contact;
            }
        }
        return null;
    }

    private static boolean same(SipURI a, SipURI b) {
        return lower(a.getUser()).equals(lower(b.getUser())) && lower(a.getHost()).equals(lower(b.getHost()))
               && port(a) == port(b) && lower(a.getTransportParam()).replace("udp", "").equals(
                       lower(b.getTransportParam()).replace("udp", ""));
    }

    private static String lower(String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    private static int port(SipURI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "tls".equalsIgnoreCase(uri.getTransportParam()) ? 5061 : 5060;
    }

    private synchronized void schedule(Runnable task, Duration after) {
        cancelNext();
        if (!stopped) {
            next = runtime.schedule(task, after);
        }
    }

    private synchronized void cancelNext() {
        if (next != null) {
            next.cancel(false);
            next = null;
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

    /** A 423 Interval Too Brief with the registrar's Min-Expires. */
    private static final class IntervalTooBrief extends SipAgentException {
        private static final long serialVersionUID = 1L;
        private final transient Duration minimum;

        IntervalTooBrief(SipAgentException failed, Duration minimum) {
            super(failed.kind(), failed.status().orElse(0), failed.getMessage() + " (Min-Expires " + minimum.toSeconds()
                                                                                 + ")", failed.getCause());
            this.minimum = minimum;
        }
    }
}
