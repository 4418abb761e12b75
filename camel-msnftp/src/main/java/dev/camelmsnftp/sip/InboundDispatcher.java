package dev.camelmsnftp.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExtensionHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent does with the requests its stack routes to it, on the JAIN-SIP thread that received each (several at
 * once: the UDP threads, a reader thread per TCP/TLS connection): MESSAGEs to the listener
 * of their content type (on the agent's executor, or on that thread for a message the listener calls quick), INVITEs
 * answered 200 and kept as incoming IM sessions, BYE, OPTIONS,
 * CANCEL, 405 to the rest. Counts what it received.
 */
final class InboundDispatcher implements SharedStack.Agent {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatcher.class);
    /** T1 of a non-INVITE server transaction once answered: Timer J = 64 x T1 = 0.5 s (see endEarly). */
    private static final int SHORT_T1_MILLIS = 8;
    /** Requests answered over UDP whose server transactions were let end early (see {@link Answered}). */
    private final Answered answered = new Answered();
    private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE";

    private final AgentRuntime runtime;
    private final RequestSender requests;
    private final OutgoingSessions outgoing;
    private final IncomingSessions incoming;
    /**
     * The methods counted under their own name: SIP's (RFC 3261 and its extensions); every other method a peer invents
     * is counted under {@link SipAgent#OTHER_METHODS}, so that what peers send cannot grow the counts.
     */
    private static final List<String> COUNTED = List.of(Request.ACK, Request.BYE, Request.CANCEL, Request.INFO,
            Request.INVITE, Request.MESSAGE, Request.NOTIFY, Request.OPTIONS, Request.PRACK, Request.PUBLISH,
            Request.REFER, Request.REGISTER, Request.SUBSCRIBE, Request.UPDATE);

    private final Map<String, MessageListener> listeners = new ConcurrentHashMap<>();
    /** Fixed keys, made once: COUNTED and OTHER_METHODS. */
    private final Map<String, AtomicLong> received;

    InboundDispatcher(AgentRuntime runtime, RequestSender requests, OutgoingSessions outgoing, IncomingSessions incoming) {
        this.runtime = runtime;
        this.requests = requests;
        this.outgoing = outgoing;
        this.incoming = incoming;
        Map<String, AtomicLong> counts = new TreeMap<>();
        for (String method : COUNTED) {
            counts.put(method, new AtomicLong());
        }
        counts.put(SipAgent.OTHER_METHODS, new AtomicLong());
        this.received = Map.copyOf(counts);
    }

    void addListener(String mediaType, MessageListener listener) {
        listeners.put(IncomingMessage.mediaType(mediaType), listener);
    }

    void removeListener(String mediaType) {
        listeners.remove(IncomingMessage.mediaType(mediaType));
    }

    /** How many requests of each method were received; methods never received are left out. */
    Map<String, Long> receivedRequests() {
        Map<String, Long> counts = new TreeMap<>();
        received.forEach((method, count) -> {
            if (count.get() > 0) {
                counts.put(method, count.get());
            }
        });
        return counts;
    }

    @Override
    public void onRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        received.getOrDefault(method, received.get(SipAgent.OTHER_METHODS)).incrementAndGet();
        if (Request.ACK.equals(method)) {
            return;
        }
        if (!runtime.isRunning()) {
            SipMessages.respondStatelessly(runtime.provider(), request, Response.SERVICE_UNAVAILABLE);
            return;
        }
        String toTag = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag();
        if (toTag != null && event.getDialog() == null) {
            SipMessages.respondStatelessly(runtime.provider(), request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (event.getServerTransaction() == null) {
            OptionalInt earlier = answered.answerTo(request);
            if (earlier.isPresent()) {
                SipMessages.respondStatelessly(runtime.provider(), request, earlier.getAsInt());
                return;
            }
        }
        ServerTransaction transaction = serverTransaction(event);
        if (transaction == null) {
            return;
        }
        if (event.getDialog() != null) {
            incoming.touch(event.getDialog());
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
    public void onLateInviteAnswer(ResponseEvent event) {
        outgoing.endExtraDialog(event);
    }

    @Override
    public void onDialogTerminated(DialogTerminatedEvent event) {
        forget(event.getDialog());
    }

    /** A dialog the peer ended (BYE) or that terminated: not ours to BYE any more, never reused. */
    private void forget(Dialog dialog) {
        if (dialog == null) {
            return;
        }
        incoming.forget(dialog);
        if (dialog.getApplicationData() instanceof ImSession session) {
            outgoing.forget(session);
        }
    }

    private ServerTransaction serverTransaction(RequestEvent event) {
        ServerTransaction transaction = event.getServerTransaction();
        if (transaction != null) {
            return transaction;
        }
        try {
            // JAIN-SIP's own bound is loose under a burst (it counts before a thread adds to the table), and requests
            // come on several threads at once: counting and adding under one lock per stack makes this one exact
            synchronized (runtime.stack()) {
                if (runtime.stack().serverTransactions() < runtime.config().maxServerTransactions()) {
                    return runtime.provider().getNewServerTransaction(event.getRequest());
                }
            }
            SipMessages.respondStatelessly(runtime.provider(), event.getRequest(), Response.SERVICE_UNAVAILABLE);
            return null;
        } catch (TransactionAlreadyExistsException retransmission) {
            return null;
        } catch (SipException | RuntimeException e) {
            LOG.debug("No server transaction for {}", event.getRequest().getMethod(), e);
            SipMessages.respondStatelessly(runtime.provider(), event.getRequest(), Response.SERVER_INTERNAL_ERROR);
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
        Runnable handling = () -> {
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
        };
        if (quick(listener, message)) {
            handling.run();
            return;
        }
        try {
            runtime.execute(handling);
        } catch (RejectedExecutionException e) {
            LOG.warn("Too many messages waiting; answering 503 to {}", message);
            if (transaction != null) {
                respond(transaction, Response.SERVICE_UNAVAILABLE, null);
            }
        }
    }

    private static boolean quick(MessageListener listener, IncomingMessage message) {
        try {
            return listener.quick(message);
        } catch (RuntimeException e) {
            LOG.debug("Message listener could not tell whether {} is quick", message, e);
            return false;
        }
    }

    /**
     * An incoming IM session: 200 with our SDP, and the first message when OCS carried it in ms-text-format; 486 Busy
     * Here when as many sessions as allowed are open already; 480 when no listener takes sessions now.
     */
    private void onInvite(RequestEvent event, ServerTransaction transaction) {
        Request request = event.getRequest();
        Dialog dialog = transaction.getDialog();
        boolean opening = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null;
        if (opening && !listeners.isEmpty() && listeners.values().stream().noneMatch(MessageListener::acceptsSessions)) {
            // nothing here takes what the session would carry: another instance under this address may (forking)
            respond(transaction, Response.TEMPORARILY_UNAVAILABLE, response -> reason(response, "Nothing receives here"));
            return;
        }
        if (opening && dialog != null && !incoming.admit(dialog)) {
            respond(transaction, Response.BUSY_HERE, response -> reason(response, "Too many IM sessions open"));
            return;
        }
        IncomingMessage carried = null;
        MessageListener listener = null;
        Header textFormat = request.getHeader("ms-text-format");
        if (textFormat instanceof ExtensionHeader extension) {
            carried = carriedMessage(request, transaction.getDialog(), extension.getValue());
            listener = carried == null ? null : listeners.get(carried.mediaType());
        }
        boolean supported = listener != null;
        SipMessages messages = runtime.messages();
        respond(transaction, Response.OK, response -> {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(Long.toHexString(System.nanoTime() ^ hashCode()));
            response.addHeader(messages.contact());
            SipMessages.setBody(response, "application/sdp", messages.sdp().getBytes(StandardCharsets.US_ASCII));
            if (supported) {
                response.addHeader(SipMessages.HEADERS.createSupportedHeader("ms-text-format"));
            }
        });
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
        IncomingMessage.Replier outOfDialog = replyOutOfDialog(sender, request);
        IncomingMessage.Replier replier = dialog == null ? outOfDialog : (type, bytes) -> {
            if (!runtime.isRunning()) {
                return AgentRuntime.stopped();
            }
            if (isOver(dialog)) {
                // the session ended meanwhile (idle, or closed by either side): the reply still reaches the sender
                return outOfDialog.reply(type, bytes);
            }
            incoming.touch(dialog);
            return requests.inDialog(dialog, Request.MESSAGE, type, bytes);
        };
        return new IncomingMessage(sender, from.getAddress().getDisplayName(), address(toUri),
                request.getRequestURI().toString(), contentType, body, dialog != null,
                ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId(), contact(request, dialog), replier,
                PeerAddresses.of(request));
    }

    /** Whether the IM session of {@code dialog} ended or is ending: closed by us, by the peer, or terminated. */
    private static boolean isOver(Dialog dialog) {
        Object session = dialog.getApplicationData();
        return dialog.getState() == DialogState.TERMINATED
               || session instanceof ImSession outgoing && outgoing.isClosed()
               || session instanceof IncomingSessions.Session incoming && incoming.isClosed();
    }

    /**
     * Pager replies go to the sender's address through the outbound proxy; without one, to where the request came
     * from (the top Via, with received/rport): in direct peer-to-peer use the From URI does not say where the sender
     * listens.
     */
    private IncomingMessage.Replier replyOutOfDialog(SipAddress sender, Request request) {
        SipAddress target = sender;
        if (runtime.config().outboundProxy().isEmpty()) {
            ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
            String host = via.getReceived() != null ? via.getReceived() : via.getHost();
            int port = via.getRPort() > 0 ? via.getRPort() : via.getPort() > 0 ? via.getPort() : 5060;
            String transport = via.getTransport() == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
            target = new SipAddress(sender.user(), host, OptionalInt.of(port), ";transport=" + transport);
        }
        SipAddress destination = target;
        return (type, bytes) -> runtime.isRunning() ? requests.pager(destination, type, bytes) : AgentRuntime.stopped();
    }

    /** The sender's Contact URI, else the remote target of the dialog the request came in. */
    private static String contact(Request request, Dialog dialog) {
        if (request.getHeader(ContactHeader.NAME) instanceof ContactHeader header && header.getAddress() != null) {
            return header.getAddress().getURI().toString();
        }
        return dialog != null && dialog.getRemoteTarget() != null ? dialog.getRemoteTarget().getURI().toString() : null;
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
            Response response = runtime.messages().response(status, transaction.getRequest());
            if (decorator != null) {
                decorator.decorate(response);
            }
            endEarly(transaction, status);
            transaction.sendResponse(response);
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
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
        if (status < 200 || runtime.config().transport() != SipTransport.UDP || Request.INVITE.equals(request.getMethod())) {
            return;
        }
        answered.remember(request, status);
        try {
            transaction.setRetransmitTimer(SHORT_T1_MILLIS);
        } catch (RuntimeException e) {
            LOG.debug("Could not shorten the transaction of {}: {}", request.getMethod(), e.toString());
        }
    }

    /** Requests answered over UDP that are remembered for their retransmissions. */
    int rememberedAnswers() {
        return answered.size();
    }
}
