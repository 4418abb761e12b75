package dev.camelmsnftp.sip;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A MESSAGE (or the body an OCS INVITE carried in {@code ms-text-format}) received by a {@link SipAgent}, with the
 * way back to its sender: {@link #reply} answers inside the IM session it came in, or out of dialog for a pager
 * MESSAGE.
 */
public final class IncomingMessage {

    /** Sends a reply the way the message came. */
    @FunctionalInterface
    interface Replier {
        CompletableFuture<SipResponse> reply(String contentType, byte[] body);
    }

    private final SipAddress from;
    private final String fromDisplayName;
    private final SipAddress to;
    private final String requestUri;
    private final String contentType;
    private final byte[] body;
    private final boolean inDialog;
    private final String callId;
    private final String contact;
    private final Replier replier;

    IncomingMessage(SipAddress from, String fromDisplayName, SipAddress to, String requestUri, String contentType,
                    byte[] body, boolean inDialog, String callId, Replier replier) {
        this(from, fromDisplayName, to, requestUri, contentType, body, inDialog, callId, null, replier);
    }

    IncomingMessage(SipAddress from, String fromDisplayName, SipAddress to, String requestUri, String contentType,
                    byte[] body, boolean inDialog, String callId, String contact, Replier replier) {
        this.from = Objects.requireNonNull(from);
        this.fromDisplayName = fromDisplayName;
        this.to = Objects.requireNonNull(to);
        this.requestUri = requestUri;
        this.contentType = contentType;
        this.body = body;
        this.inDialog = inDialog;
        this.callId = callId;
        this.contact = contact;
        this.replier = replier;
    }

    /** The sender, from the From header. */
    public SipAddress from() {
        return from;
    }

    public Optional<String> fromDisplayName() {
        return Optional.ofNullable(fromDisplayName);
    }

    /** The To header. */
    public SipAddress to() {
        return to;
    }

    public String requestUri() {
        return requestUri;
    }

    /** The Content-Type with its parameters, e.g. {@code text/x-msmsgsinvite; charset=UTF-8}. */
    public String contentType() {
        return contentType;
    }

    /** The media type alone, lower case: {@code text/x-msmsgsinvite}. */
    public String mediaType() {
        return mediaType(contentType);
    }

    /** The body bytes (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** Whether it came inside an IM session (dialog). */
    public boolean inDialog() {
        return inDialog;
    }

    /** The Call-ID of its dialog or request, for logs and correlation. */
    public String callId() {
        return callId;
    }

    /**
     * The sender's contact: the Contact URI of the request, or, in an IM session, the address the session was set up
     * with. Several instances registered as one address of record share {@link #from()}; each has a contact of its own.
     */
    public Optional<String> contact() {
        return Optional.ofNullable(contact);
    }

    /**
     * Sends a MESSAGE back to the sender: in the same dialog when it came in one, otherwise out of dialog. Cancelling
     * the returned future gives the request up: not sent if it still waits its turn in the dialog, its SIP transaction
     * ended if it was sent.
     */
    public CompletableFuture<SipResponse> reply(String contentType, byte[] body) {
        return replier.reply(contentType, body);
    }

    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "IncomingMessage[from=" + from + ", type=" + contentType + ", " + body.length + " bytes"
               + (inDialog ? ", in dialog " + callId : "") + "]";
    }
}
