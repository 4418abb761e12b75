package dev.camelmsnftp.sip;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import javax.sip.header.ExtensionHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP user agent for one local user on JAIN-SIP: sends MESSAGEs in IM sessions or as pager requests, receives them
 * from either, answers OPTIONS, and keeps itself registered. Start with {@link #start(SipAgentConfig)}, stop with
 * {@link #close()}. Thread-safe.
 * <p>
 * Listeners run on the agent's executor; JAIN-SIP's event thread only routes. Futures complete on the executor too.
 */
public final class SipAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipAgent.class);
    private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE";
    private static final int QUEUE_LIMIT = 10_000;
    /** T1 of a non-INVITE server transaction once answered: Timer J = 64 x T1 = 0.5 s (see endEarly). */
    private static final int SHORT_T1_MILLIS = 8;

    private final SipAgentConfig config;
    private final SharedStack stack;
    private final SipMessages messages;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor ownExecutor;
    private final Executor executor;
    private final AuthenticationHelper authentication;
    private final Registration registration;
    private final Map<String, MessageListener> listeners = new ConcurrentHashMap<>();
    private final Map<String, ImSession> sessions = new ConcurrentHashMap<>();
    private final Set<Dialog> incomingSessions = ConcurrentHashMap.newKeySet();
    /** The last request sent in each dialog: the next waits for it (no pipelining within a dialog, see inDialog). */
    private final Map<Dialog, CompletableFuture<SipResponse>> dialogTails = new ConcurrentHashMap<>();
    private final Set<Outgoing> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    private final AtomicLong cseq = new AtomicLong(1);
    private final Agent inbound = new Agent();
    /** Requests answered over UDP whose server transactions were ended at once (see {@link Answered}). */
    private final Answered answered = new Answered();
    private volatile boolean running = true;

    private SipAgent(SipAgentConfig config, SharedStack stack, String advertisedHost) {
        this.config = config;
        this.stack = stack;
        this.messages = new SipMessages(config, advertisedHost, stack.port());
        String name = config.localUser().user();
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("msnftp-sip-timer-" + name));
        timer.setRemoveOnCancelPolicy(true);
        if (config.listenerExecutor().isPresent()) {
            this.ownExecutor = null;
            this.executor = config.listenerExecutor().get();
        } else {
            this.ownExecutor = new ThreadPoolExecutor(config.listenerThreads(), config.listenerThreads(), 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(QUEUE_LIMIT), daemon("msnftp-sip-" + name));
            ownExecutor.allowCoreThreadTimeOut(true);
            this.executor = ownExecutor;
        }
        this.authentication = config.password().isPresent()
                ? stack.stack().getAuthenticationHelper(new Credentials(config), SipMessages.HEADERS) : null;
        this.registration = config.registrar().map(registrar -> new Registration(this, registrar)).orElse(null);
    }

    /**
     * Starts an agent: takes (or creates) the stack of its listening point and, with a registrar, registers and waits
     * for the answer.
     *
     * @throws SipAgentException when it cannot listen, or the registration fails
     */
    public static SipAgent start(SipAgentConfig config) throws SipAgentException {
        SharedStack stack = SharedStack.acquire(config.sipHost(), config.sipPort(), config.transport(), stackProperties(config));
        SipAgent agent;
        try {
            agent = new SipAgent(config, stack, advertisedHost(config));
            stack.attach(config.localUser().user(), agent.inbound);
        } catch (SipAgentException | RuntimeException e) {
            stack.release(config.localUser().user(), null);
            throw e;
        }
        if (agent.registration != null) {
            try {
                agent.registration.register().get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                agent.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                SipAgentException failure = unwrap(e);
                throw new SipAgentException(failure.kind(), failure.status().orElse(0),
                        "Registration of " + config.localUser() + " at " + config.registrar().get() + " failed: "
                                                                                         + failure.getMessage(),
                        failure);
            }
        }
        LOG.info("SIP agent {} listening on {}:{}/{}", config.localUser(), messages(agent).host(), agent.localPort(),
                config.transport().wireName());
        return agent;
    }

    private static SipMessages messages(SipAgent agent) {
        return agent.messages;
    }

    private static Map<String, String> stackProperties(SipAgentConfig config) {
        Map<String, String> properties = new TreeMap<>();
        config.tls().ifPresent(tls -> {
            properties.put("javax.net.ssl.keyStore", tls.keyStore().toString());
            properties.put("javax.net.ssl.keyStoreType", tls.keyStoreType());
            properties.put("javax.net.ssl.trustStore", tls.trustStore().toString());
            properties.put("javax.net.ssl.trustStoreType", tls.trustStoreType());
            if (tls.keyStorePassword() != null) {
                properties.put("javax.net.ssl.keyStorePassword", tls.keyStorePassword());
            }
            if (tls.trustStorePassword() != null) {
                properties.put("javax.net.ssl.trustStorePassword", tls.trustStorePassword());
            }
        });
        properties.putAll(config.stackProperties());
        return properties;
    }

    /** The host peers reach us at: the configured one, the bind address, or the local address toward the proxy. */
    private static String advertisedHost(SipAgentConfig config) {
        if (config.advertisedHost().isPresent()) {
            return config.advertisedHost().get();
        }
        try {
            InetAddress bind = InetAddress.getByName(config.sipHost());
            if (!bind.isAnyLocalAddress()) {
                return bind.getHostAddress();
            }
            Optional<HostPort> toward = config.outboundProxy().or(config::registrar);
            if (toward.isPresent()) {
                try (DatagramSocket probe = new DatagramSocket()) {
                    probe.connect(new InetSocketAddress(toward.get().host(), toward.get().port()));
                    if (!probe.getLocalAddress().isAnyLocalAddress()) {
                        return probe.getLocalAddress().getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (java.io.IOException e) {
            return config.sipHost();
        }
    }

    public SipAgentConfig config() {
        return config;
    }

    /** The port the agent listens on (the chosen one when configured with 0). */
    public int localPort() {
        return stack.port();
    }

    /** The host peers reach us at: written in Via, Contact and SDP. */
    public String advertisedHost() {
        return messages.host();
    }

    /** Our Contact URI. */
    public String contactUri() {
        try {
            return messages.contactUri().toString();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        return running;
    }

    // ---------------------------------------------------------------- sending

    /** Sends a MESSAGE to {@code target} in the configured mode. */
    public CompletableFuture<SipResponse> sendMessage(String target, String contentType, byte[] body) {
        return sendMessage(target, contentType, body, config.mode());
    }

    /**
     * Sends a MESSAGE to {@code target} ({@code bob@corp.example}, {@code sip:bob@127.0.0.1:5071}): inside an IM session
     * (opened with INVITE when none is open, reused otherwise) or out of dialog. The future completes with the final
     * 2xx response, or fails with a {@link SipAgentException}.
     *
     * @throws IllegalArgumentException when {@code target} is not a SIP address
     */
    public CompletableFuture<SipResponse> sendMessage(String target, String contentType, byte[] body, SipMode mode) {
        SipAddress peer = SipAddress.parse(target);
        if (!running) {
            return stopped();
        }
        return mode == SipMode.PAGER ? sendPager(peer, contentType, body) : sendInSession(peer, contentType, body, true);
    }

    private CompletableFuture<SipResponse> sendPager(SipAddress peer, String contentType, byte[] body) {
        try {
            Request request = messages.request(Request.MESSAGE, messages.uri(peer), SipMessages.addressOf(peer), null,
                    cseq.getAndIncrement(), provider());
            SipMessages.setBody(request, contentType, body);
            return new Outgoing(this, provider().getNewClientTransaction(request), null, null).send();
        } catch (ParseException | javax.sip.InvalidArgumentException | SipException e) {
            return failed(Kind.TRANSPORT, "Cannot send MESSAGE to " + peer + ": " + e.getMessage(), e);
        }
    }

    private CompletableFuture<SipResponse> sendInSession(SipAddress peer, String contentType, byte[] body, boolean mayRetry) {
        String key = peer.uri().toLowerCase(Locale.ROOT);
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
        return session.established()
                .thenCompose(dialog -> inDialog(dialog, Request.MESSAGE, contentType, body))
                .handle((response, error) -> {
                    session.release();
                    scheduleIdleCheck(key, session);
                    if (error == null) {
                        return CompletableFuture.completedFuture(response);
                    }
                    if (mayRetry && running && session.isTerminated()) {
                        sessions.remove(key, session);
                        return sendInSession(peer, contentType, body, false);
                    }
                    return CompletableFuture.<SipResponse> failedFuture(unwrap(error));
                })
                .thenCompose(future -> future);
    }

    private void invite(String key, ImSession session) {
        try {
            SipAddress peer = session.peer();
            Request invite = messages.request(Request.INVITE, messages.uri(peer), SipMessages.addressOf(peer), null,
                    cseq.getAndIncrement(), provider());
            SipMessages.setBody(invite, "application/sdp", messages.sdp().getBytes(StandardCharsets.US_ASCII));
            ClientTransaction transaction = provider().getNewClientTransaction(invite);
            Outgoing outgoing = new Outgoing(this, transaction, null, event -> confirm(event, session));
            outgoing.send().whenComplete((response, error) -> {
                if (error != null) {
                    sessions.remove(key, session);
                    session.close();
                    session.established().completeExceptionally(unwrap(error));
                }
            });
        } catch (ParseException | javax.sip.InvalidArgumentException | SipException e) {
            sessions.remove(key, session);
            session.close();
            session.established().completeExceptionally(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot open an IM session: " + e.getMessage(), e));
        }
    }

    /** The INVITE was answered 2xx: ACK it at once (on the event thread), then let messages flow. */
    private void confirm(ResponseEvent event, ImSession session) {
        Dialog dialog = event.getDialog();
        try {
            long number = ((CSeqHeader) event.getResponse().getHeader(CSeqHeader.NAME)).getSeqNumber();
            dialog.sendAck(dialog.createAck(number));
            dialog.setApplicationData(session);
            executeOrRun(() -> session.established().complete(dialog));
        } catch (SipException | javax.sip.InvalidArgumentException | RuntimeException e) {
            executeOrRun(() -> session.established().completeExceptionally(
                    new SipAgentException(Kind.TRANSPORT, 0, "Cannot ACK the IM session: " + e.getMessage(), e)));
        }
    }

    /**
     * Sends a request in a dialog once the previous one in that dialog has its final response. Requests in a dialog
     * must reach the peer in CSeq order or it answers 500 (RFC 3261 12.2.2); over UDP, and at JAIN-SIP receivers that
     * process datagrams on several threads, only one request at a time guarantees it.
     */
    private CompletableFuture<SipResponse> inDialog(Dialog dialog, String method, String contentType, byte[] body) {
        CompletableFuture<SipResponse> next;
        synchronized (dialogTails) {
            CompletableFuture<SipResponse> previous = dialogTails.getOrDefault(dialog, CompletableFuture.completedFuture(null));
            next = previous.handle((response, error) -> null)
                    .thenCompose(ignored -> sendNow(dialog, method, contentType, body));
            dialogTails.put(dialog, next);
        }
        CompletableFuture<SipResponse> tail = next;
        next.whenComplete((response, error) -> dialogTails.remove(dialog, tail));
        return next;
    }

    private CompletableFuture<SipResponse> sendNow(Dialog dialog, String method, String contentType, byte[] body) {
        if (dialog.getState() != DialogState.CONFIRMED) {
            return failed(Kind.TRANSPORT, "The IM session with " + dialog.getRemoteParty() + " has ended", null);
        }
        try {
            Request request = dialog.createRequest(method);
            messages.stamp(request);
            if (body != null) {
                SipMessages.setBody(request, contentType, body);
            }
            return new Outgoing(this, provider().getNewClientTransaction(request), dialog, null).send();
        } catch (ParseException | SipException | RuntimeException e) {
            return failed(Kind.TRANSPORT, "Cannot send " + method + " in the IM session: " + e.getMessage(), e);
        }
    }

    private void scheduleIdleCheck(String key, ImSession session) {
        if (!running) {
            return;
        }
        long idle = config.sessionIdleTimeout().toNanos();
        session.idleCheck(schedule(() -> {
            if (session.closeIfIdle(idle)) {
                sessions.remove(key, session);
                bye(session.dialog());
            }
        }, config.sessionIdleTimeout()));
    }

    /** Ends the IM session we hold with {@code target}, if any (BYE). */
    public CompletableFuture<Void> closeSession(String target) {
        String key = SipAddress.parse(target).uri().toLowerCase(Locale.ROOT);
        ImSession session = sessions.remove(key);
        if (session == null || !session.close()) {
            return CompletableFuture.completedFuture(null);
        }
        return bye(session.dialog()).thenApply(response -> null);
    }

    private CompletableFuture<SipResponse> bye(Dialog dialog) {
        if (dialog == null || dialog.getState() != DialogState.CONFIRMED) {
            return CompletableFuture.completedFuture(null);
        }
        return inDialog(dialog, Request.BYE, null, null).exceptionally(error -> {
            LOG.debug("BYE to {} failed: {}", dialog.getRemoteParty(), error.getMessage());
            return null;
        });
    }

    /** Ends every IM session, those we opened and those peers opened with us (BYE); completes when all are answered. */
    public CompletableFuture<Void> closeAllSessions() {
        List<CompletableFuture<SipResponse>> byes = new ArrayList<>();
        for (String key : List.copyOf(sessions.keySet())) {
            ImSession session = sessions.remove(key);
            if (session != null && session.close()) {
                byes.add(bye(session.dialog()));
            }
        }
        for (Dialog dialog : List.copyOf(incomingSessions)) {
            incomingSessions.remove(dialog);
            byes.add(bye(dialog));
        }
        return CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new));
    }

    /** IM sessions we opened that are still open. */
    public int openSessions() {
        return (int) sessions.values().stream().filter(session -> !session.isClosed()).count();
    }

    /** IM sessions peers opened with us that are still open. */
    public int incomingSessions() {
        return incomingSessions.size();
    }

    /** How many requests of each method this agent has received. */
    public Map<String, Long> receivedRequests() {
        Map<String, Long> counts = new TreeMap<>();
        received.forEach((method, count) -> counts.put(method, count.get()));
        return counts;
    }

    // -------------------------------------------------------------- receiving

    /**
     * Delivers MESSAGEs of {@code mediaType} ({@code text/x-msmsgsinvite}, compared case-insensitively, parameters
     * ignored) to {@code listener}. MESSAGEs of a type with no listener are answered 415.
     */
    public void addMessageListener(String mediaType, MessageListener listener) {
        listeners.put(IncomingMessage.mediaType(mediaType), listener);
    }

    public void removeMessageListener(String mediaType) {
        listeners.remove(IncomingMessage.mediaType(mediaType));
    }

    /** Routes what the stack receives for our user; runs on JAIN-SIP's event thread. */
    private final class Agent implements SharedStack.Agent {

        @Override
        public void onRequest(RequestEvent event) {
            Request request = event.getRequest();
            String method = request.getMethod();
            received.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
            if (Request.ACK.equals(method)) {
                return;
            }
            if (!running) {
                SipMessages.respondStatelessly(provider(), request, Response.SERVICE_UNAVAILABLE);
                return;
            }
            String toTag = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag();
            if (toTag != null && event.getDialog() == null) {
                SipMessages.respondStatelessly(provider(), request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                return;
            }
            if (event.getServerTransaction() == null) {
                var earlier = answered.answerTo(request);
                if (earlier.isPresent()) {
                    SipMessages.respondStatelessly(provider(), request, earlier.getAsInt());
                    return;
                }
            }
            ServerTransaction transaction = serverTransaction(event);
            if (transaction == null) {
                return;
            }
            switch (method) {
                case Request.MESSAGE -> onMessage(event, transaction);
                case Request.INVITE -> onInvite(event, transaction);
                case Request.BYE -> {
                    forget(event.getDialog());
                    respond(transaction, Response.OK, null);
                }
                case Request.OPTIONS -> respond(transaction, Response.OK, response -> {
                    response.addHeader(SipMessages.HEADERS.createAllowHeader(ALLOW));
                    for (String type : List.of("application/sdp", "text/plain", "text/x-msmsgsinvite")) {
                        String[] parts = type.split("/");
                        response.addHeader(SipMessages.HEADERS.createAcceptHeader(parts[0], parts[1]));
                    }
                });
                case Request.CANCEL -> respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                default -> respond(transaction, Response.METHOD_NOT_ALLOWED,
                        response -> response.addHeader(SipMessages.HEADERS.createAllowHeader(ALLOW)));
            }
        }

        @Override
        public void onDialogTerminated(DialogTerminatedEvent event) {
            forget(event.getDialog());
        }
    }

    /** A dialog the peer ended (BYE) or that terminated: not ours to BYE any more, never reused. */
    private void forget(Dialog dialog) {
        if (dialog == null) {
            return;
        }
        incomingSessions.remove(dialog);
        if (dialog.getApplicationData() instanceof ImSession session) {
            session.close();
            sessions.values().remove(session);
        }
    }

    private ServerTransaction serverTransaction(RequestEvent event) {
        ServerTransaction transaction = event.getServerTransaction();
        if (transaction != null) {
            return transaction;
        }
        try {
            return provider().getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException retransmission) {
            return null;
        } catch (SipException | RuntimeException e) {
            LOG.debug("No server transaction for {}", event.getRequest().getMethod(), e);
            SipMessages.respondStatelessly(provider(), event.getRequest(), Response.SERVER_INTERNAL_ERROR);
            return null;
        }
    }

    private void onMessage(RequestEvent event, ServerTransaction transaction) {
        Request request = event.getRequest();
        ContentTypeHeader header = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        byte[] body = request.getRawContent() == null ? new byte[0] : request.getRawContent();
        if (header == null) {
            respond(transaction, Response.BAD_REQUEST, response -> reason(response, "Missing Content-Type"));
            return;
        }
        String contentType = contentType(header);
        MessageListener listener = listeners.get(IncomingMessage.mediaType(contentType));
        if (listener == null) {
            respond(transaction, Response.UNSUPPORTED_MEDIA_TYPE, this::acceptHeaders);
            return;
        }
        IncomingMessage message = incoming(request, event.getDialog(), contentType, body);
        if (message == null) {
            respond(transaction, Response.BAD_REQUEST, response -> reason(response, "From and To must be SIP URIs"));
            return;
        }
        deliver(listener, message, transaction);
    }

    private void deliver(MessageListener listener, IncomingMessage message, ServerTransaction transaction) {
        try {
            executor.execute(() -> {
                int status;
                try {
                    status = listener.onMessage(message);
                } catch (RuntimeException e) {
                    LOG.warn("Message listener failed on {}", message, e);
                    status = Response.SERVER_INTERNAL_ERROR;
                }
                if (transaction != null) {
                    respond(transaction, status < 200 || status > 699 ? Response.SERVER_INTERNAL_ERROR : status, null);
                } else if (status >= 300) {
                    LOG.debug("Listener answered {} to a message carried in an INVITE", status);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Too many messages waiting; answering 503 to {}", message);
            if (transaction != null) {
                respond(transaction, Response.SERVICE_UNAVAILABLE, null);
            }
        }
    }

    /** An incoming IM session: 200 with our SDP, and the first message when OCS carried it in ms-text-format. */
    private void onInvite(RequestEvent event, ServerTransaction transaction) {
        Request request = event.getRequest();
        IncomingMessage carried = null;
        MessageListener listener = null;
        Header textFormat = request.getHeader("ms-text-format");
        if (textFormat instanceof ExtensionHeader extension) {
            carried = carriedMessage(request, transaction.getDialog(), extension.getValue());
            listener = carried == null ? null : listeners.get(carried.mediaType());
        }
        boolean supported = listener != null;
        respond(transaction, Response.OK, response -> {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(Long.toHexString(System.nanoTime() ^ hashCode()));
            response.addHeader(messages.contact());
            SipMessages.setBody(response, "application/sdp", messages.sdp().getBytes(StandardCharsets.US_ASCII));
            if (supported) {
                response.addHeader(SipMessages.HEADERS.createSupportedHeader("ms-text-format"));
            }
        });
        Dialog dialog = transaction.getDialog();
        if (dialog != null && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null) {
            incomingSessions.add(dialog);
        }
        if (supported) {
            deliver(listener, carried, null);
        }
    }

    /** {@code ms-text-format: text/x-msmsgsinvite; charset=UTF-8; ms-body=<base64>} as a message. */
    private IncomingMessage carriedMessage(Request request, Dialog dialog, String value) {
        String[] parts = value.split(";");
        StringBuilder contentType = new StringBuilder(parts[0].trim());
        byte[] body = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int equals = part.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = part.substring(0, equals).trim();
            if (name.equalsIgnoreCase("ms-body")) {
                try {
                    body = Base64.getDecoder().decode(part.substring(equals + 1).trim());
                } catch (IllegalArgumentException e) {
                    LOG.debug("ms-text-format body is not base64");
                    return null;
                }
            } else {
                contentType.append("; ").append(part);
            }
        }
        return body == null ? null : incoming(request, dialog, contentType.toString(), body);
    }

    private IncomingMessage incoming(Request request, Dialog dialog, String contentType, byte[] body) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        if (!(from.getAddress().getURI() instanceof SipURI fromUri) || !(to.getAddress().getURI() instanceof SipURI toUri)
            || fromUri.getUser() == null || toUri.getUser() == null) {
            return null;
        }
        SipAddress sender = address(fromUri);
        IncomingMessage.Replier replier = dialog != null
                ? (type, bytes) -> running ? inDialog(dialog, Request.MESSAGE, type, bytes) : stopped()
                : replyOutOfDialog(sender, request);
        return new IncomingMessage(sender, from.getAddress().getDisplayName(), address(toUri),
                request.getRequestURI().toString(), contentType, body, dialog != null,
                ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId(), replier);
    }

    /**
     * Pager replies go to the sender's address through the outbound proxy; without one, to where the request came
     * from (the top Via, with received/rport): in direct peer-to-peer use the From URI does not say where the sender
     * listens.
     */
    private IncomingMessage.Replier replyOutOfDialog(SipAddress sender, Request request) {
        SipAddress target = sender;
        if (config.outboundProxy().isEmpty()) {
            ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
            String host = via.getReceived() != null ? via.getReceived() : via.getHost();
            int port = via.getRPort() > 0 ? via.getRPort() : via.getPort() > 0 ? via.getPort() : 5060;
            String transport = via.getTransport() == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
            target = new SipAddress(sender.user(), host, OptionalInt.of(port), ";transport=" + transport);
        }
        SipAddress destination = target;
        return (type, bytes) -> running ? sendPager(destination, type, bytes) : stopped();
    }

    private static SipAddress address(SipURI uri) {
        return new SipAddress(uri.getUser(), uri.getHost(), uri.getPort() > 0 ? OptionalInt.of(uri.getPort())
                : OptionalInt.empty(), "");
    }

    private static String contentType(ContentTypeHeader header) {
        StringBuilder text = new StringBuilder(header.getContentType()).append('/').append(header.getContentSubType());
        for (Iterator<?> names = header.getParameterNames(); names.hasNext();) {
            String name = (String) names.next();
            text.append("; ").append(name).append('=').append(header.getParameter(name));
        }
        return text.toString();
    }

    private void acceptHeaders(Response response) throws ParseException {
        for (String type : listeners.keySet()) {
            String[] parts = type.split("/", 2);
            response.addHeader(SipMessages.HEADERS.createAcceptHeader(parts[0], parts.length > 1 ? parts[1] : "*"));
        }
    }

    private static void reason(Response response, String reason) throws ParseException {
        response.setReasonPhrase(reason);
    }

    /** Adds headers to a response before it is sent. */
    @FunctionalInterface
    private interface ResponseDecorator {
        void decorate(Response response) throws ParseException, SipException;
    }

    private void respond(ServerTransaction transaction, int status, ResponseDecorator decorator) {
        try {
            Response response = messages.response(status, transaction.getRequest());
            if (decorator != null) {
                decorator.decorate(response);
            }
            endEarly(transaction, status);
            transaction.sendResponse(response);
        } catch (ParseException | SipException | javax.sip.InvalidArgumentException | RuntimeException e) {
            LOG.debug("Could not answer {} with {}", transaction.getRequest().getMethod(), status, e);
        }
    }

    /**
     * Lets a UDP server transaction end about half a second after its final response instead of after Timer J (32 s:
     * JAIN-SIP keeps the parsed request and response until then, and the heap grew by about 30 KiB per small file).
     * JAIN-SIP schedules Timer J as 64 times the transaction's T1, which is used for nothing else in a non-INVITE server
     * transaction; its retransmissions are still answered for the whole 32 s, from {@link Answered}. Over TCP and TLS
     * JAIN-SIP ends it at once anyway; INVITE transactions are left as they are. Call before sending the response.
     */
    private void endEarly(ServerTransaction transaction, int status) {
        Request request = transaction.getRequest();
        if (status < 200 || config.transport() != SipTransport.UDP || Request.INVITE.equals(request.getMethod())) {
            return;
        }
        answered.remember(request, status);
        try {
            transaction.setRetransmitTimer(SHORT_T1_MILLIS);
        } catch (RuntimeException e) {
            LOG.debug("Could not shorten the transaction of {}: {}", request.getMethod(), e.toString());
        }
    }

    // ----------------------------------------------------------- registration

    /** Where the registration stands ({@link RegistrationState#NOT_CONFIGURED} without a registrar). */
    public RegistrationState registrationState() {
        return registration == null ? RegistrationState.NOT_CONFIGURED : registration.state();
    }

    /** Why the last REGISTER failed, while {@link #registrationState()} is FAILED. */
    public Optional<SipAgentException> registrationFailure() {
        return registration == null ? Optional.empty() : Optional.ofNullable(registration.failure());
    }

    /** Told of every change of {@link #registrationState()}. */
    public void addRegistrationListener(Consumer<RegistrationState> listener) {
        if (registration != null) {
            registration.addListener(listener);
        }
    }

    // -------------------------------------------------------------- lifecycle

    /**
     * Stops the agent: BYE to open IM sessions, unregisters, releases the stack (the last agent on it stops it and
     * frees its port), fails what is still waiting, and ends the agent's threads. Waits at most about two request
     * time-outs.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
        }
        awaitQuietly(closeAllSessions(), config.requestTimeout());
        if (registration != null) {
            registration.unregister();
        }
        stack.release(config.localUser().user(), inbound);
        for (Outgoing outgoing : List.copyOf(pending)) {
            outgoing.fail(new SipAgentException(Kind.STOPPED, "The SIP agent stopped"));
        }
        timer.shutdownNow();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            try {
                if (!ownExecutor.awaitTermination(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    ownExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("SIP agent {} stopped", config.localUser());
    }

    private static void awaitQuietly(CompletableFuture<?> future, Duration limit) {
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Gave up waiting while stopping: {}", e.getMessage());
        }
    }

    // ---------------------------------------------------------- for helpers

    SipProvider provider() {
        return stack.provider();
    }

    SipMessages messages() {
        return messages;
    }

    AuthenticationHelper authenticationHelper() {
        return authentication;
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /**
     * Drops a terminated client transaction from the stack's table and lets go of its messages now; JAIN-SIP would do
     * it on the transaction's next timer tick, which lags far behind under load (one timer thread ticks every
     * transaction every 500 ms). The tick still comes, finds it terminated and ends the timer.
     */
    void forget(ClientTransaction transaction) {
        if (transaction instanceof gov.nist.javax.sip.stack.SIPClientTransaction terminated) {
            stack.stack().removeTransaction(terminated);
            terminated.cleanUp();
        }
    }

    /** Transactions the agent's stack still holds (server and client), for tests. */
    int stackTransactions() {
        return stack.stack().getServerTransactionTableSize() + stack.stack().getClientTransactionTableSize();
    }

    /** Requests sent and not yet finished, and dialogs with a request under way, for tests. */
    int pendingRequests() {
        return pending.size() + dialogTails.size();
    }

    /** Requests answered over UDP that are remembered for their retransmissions, for tests. */
    int rememberedAnswers() {
        return answered.size();
    }

    void track(Outgoing outgoing) {
        pending.add(outgoing);
    }

    void untrack(Outgoing outgoing) {
        pending.remove(outgoing);
    }

    /** Completes a future on the executor, so that what callers chain to it never runs on the event thread. */
    void completeLater(CompletableFuture<SipResponse> future, SipResponse response, SipAgentException failure) {
        executeOrRun(() -> {
            if (failure == null) {
                future.complete(response);
            } else {
                future.completeExceptionally(failure);
            }
        });
    }

    private void executeOrRun(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    static SipAgentException unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof SipAgentException sip) {
            return sip;
        }
        if (cause instanceof TimeoutException) {
            return new SipAgentException(Kind.TIMEOUT, 0, "Timed out", cause);
        }
        return new SipAgentException(Kind.TRANSPORT, 0, String.valueOf(cause.getMessage()), cause);
    }

    private CompletableFuture<SipResponse> stopped() {
        return CompletableFuture.failedFuture(new SipAgentException(Kind.STOPPED, "The SIP agent is stopped"));
    }

    private static CompletableFuture<SipResponse> failed(Kind kind, String message, Throwable cause) {
        return CompletableFuture.failedFuture(new SipAgentException(kind, 0, message, cause));
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Digest credentials for every realm that challenges us. */
    private record Credentials(SipAgentConfig config) implements AccountManager {
        @Override
        public UserCredentials getCredentials(ClientTransaction challenged, String realm) {
            return new UserCredentials() {
                @Override
                public String getUserName() {
                    return config.authUsername();
                }

                @Override
                public String getPassword() {
                    return config.password().orElse("");
                }

                @Override
                public String getSipDomain() {
                    return realm;
                }
            };
        }
    }

    @Override
    public String toString() {
        return "SipAgent[" + config.localUser() + " on " + messages.host() + ":" + localPort() + "/"
               + config.transport().wireName() + "]";
    }
}
