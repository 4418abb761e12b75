package dev.camelmsnftp.sip;

import java.text.ParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.InvalidArgumentException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ServerHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the requests and responses of one agent with correct Via (with rport), Contact, Max-Forwards, tags,
 * User-Agent/Server, and the Route of the outbound proxy.
 */
final class SipMessages {

    private static final Logger LOG = LoggerFactory.getLogger(SipMessages.class);
    static final AddressFactory ADDRESSES;
    static final HeaderFactory HEADERS;
    static final MessageFactory MESSAGES;

    static {
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            ADDRESSES = factory.createAddressFactory();
            HEADERS = factory.createHeaderFactory();
            MESSAGES = factory.createMessageFactory();
        } catch (PeerUnavailableException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What we accept in MESSAGE bodies, for Accept headers and SDP. */
    static final String ACCEPTED_TYPES = "text/plain text/x-msmsgsinvite";

    private final SipAgentConfig config;
    private final String host;
    private final int port;
    /*
     * Parsed once, cloned for each message: JAIN-SIP parses a header made from text every time (the Server parser even
     * throws and catches an exception on each), which showed in profiles of small files. Null when the configured text
     * does not parse; each message then fails with the ParseException, as it did before.
     */
    private final Address localAddress;
    private final UserAgentHeader userAgent;
    private final ServerHeader server;

    SipMessages(SipAgentConfig config, String advertisedHost, int port) {
        this.config = config;
        this.host = advertisedHost;
        this.port = port;
        this.localAddress = orNull(() -> addressOf(config.localUser()));
        this.userAgent = orNull(() -> HEADERS.createUserAgentHeader(List.of(config.userAgent())));
        this.server = orNull(() -> HEADERS.createServerHeader(List.of(config.userAgent())));
    }

    private interface Parse<T> {
        T get() throws ParseException;
    }

    private static <T> T orNull(Parse<T> parse) {
        try {
            return parse.get();
        } catch (ParseException e) {
            return null;
        }
    }

    private Address localAddress() throws ParseException {
        return localAddress != null ? (Address) localAddress.clone() : addressOf(config.localUser());
    }

    private UserAgentHeader userAgentHeader() throws ParseException {
        return userAgent != null ? (UserAgentHeader) userAgent.clone()
                : HEADERS.createUserAgentHeader(List.of(config.userAgent()));
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Our Contact URI: {@code sip:user@host:port[;transport=tcp]}. */
    SipURI contactUri() throws ParseException {
        SipURI uri = ADDRESSES.createSipURI(config.localUser().user(), host);
        uri.setPort(port);
        if (config.transport() != SipTransport.UDP) {
            uri.setTransportParam(config.transport().wireName());
        }
        return uri;
    }

    /** A URI for a SIP address; direct targets get our transport unless they name one. */
    SipURI uri(SipAddress address) throws ParseException {
        SipURI uri = (SipURI) ADDRESSES.createURI(address.uri());
        if (uri.getTransportParam() == null && config.transport() != SipTransport.UDP
            && config.outboundProxy().isEmpty()) {
            uri.setTransportParam(config.transport().wireName());
        }
        return uri;
    }

    /** The address of record as a To/From address, without port or parameters when the host is a domain. */
    static Address addressOf(SipAddress address) throws ParseException {
        return ADDRESSES.createAddress(ADDRESSES.createURI(address.uri()));
    }

    /**
     * An out-of-dialog request from us to {@code to}, sent to {@code requestUri}: fresh Call-ID (unless given), our
     * From tag, the next CSeq, Via with rport, Max-Forwards 70, Contact, User-Agent, and the outbound proxy's Route.
     */
    Request request(String method, SipURI requestUri, Address to, CallIdHeader callId, long cseq, SipProvider provider)
            throws ParseException, InvalidArgumentException {
        Address from = localAddress();
        ViaHeader via = HEADERS.createViaHeader(host, port, config.transport().wireName(), null);
        via.setRPort();
        Request request = MESSAGES.createRequest(requestUri, method,
                callId != null ? callId : provider.getNewCallId(),
                HEADERS.createCSeqHeader(cseq, method),
                HEADERS.createFromHeader(from, Long.toHexString(ThreadLocalRandom.current().nextLong())),
                HEADERS.createToHeader(to, null),
                List.of(via),
                HEADERS.createMaxForwardsHeader(70));
        request.addHeader(contact());
        request.addHeader(userAgentHeader());
        if (config.outboundProxy().isPresent()) {
            HostPort proxy = config.outboundProxy().get();
            SipURI route = ADDRESSES.createSipURI(null, proxy.host());
            route.setPort(proxy.port());
            route.setLrParam();
            route.setTransportParam(proxy.transport().orElse(config.transport()).wireName());
            request.addHeader(HEADERS.createRouteHeader(ADDRESSES.createAddress(route)));
        }
        return request;
    }

    ContactHeader contact() throws ParseException {
        return HEADERS.createContactHeader(ADDRESSES.createAddress(contactUri()));
    }

    /** Adds User-Agent to a request made by a dialog. */
    void stamp(Request request) throws ParseException {
        if (request.getHeader("User-Agent") == null) {
            request.addHeader(userAgentHeader());
        }
    }

    static void setBody(Message message, String contentType, byte[] body) throws ParseException {
        int slash = contentType.indexOf('/');
        int semicolon = contentType.indexOf(';');
        if (slash <= 0) {
            throw new ParseException("Not a content type: " + contentType, 0);
        }
        String type = contentType.substring(0, slash).trim();
        String subtype = contentType.substring(slash + 1, semicolon < 0 ? contentType.length() : semicolon).trim();
        ContentTypeHeader header = HEADERS.createContentTypeHeader(type, subtype);
        if (semicolon >= 0) {
            for (String parameter : contentType.substring(semicolon + 1).split(";")) {
                int equals = parameter.indexOf('=');
                if (equals > 0) {
                    header.setParameter(parameter.substring(0, equals).trim(), parameter.substring(equals + 1).trim());
                }
            }
        }
        message.setContent(body, header);
    }

    /** A response with our Server header (and Contact for 2xx to dialog-creating requests). */
    Response response(int status, Request request) throws ParseException {
        Response response = MESSAGES.createResponse(status, request);
        response.addHeader(server != null ? (ServerHeader) server.clone()
                : HEADERS.createServerHeader(List.of(config.userAgent())));
        return response;
    }

    /** The SDP of an IM session (SPEC 3.3). */
    String sdp() {
        String ip = host.contains(":") ? "IP6" : "IP4";
        return "v=0\r\n"
               + "o=- 0 0 IN " + ip + " " + host + "\r\n"
               + "s=session\r\n"
               + "c=IN " + ip + " " + host + "\r\n"
               + "t=0 0\r\n"
               + "m=message " + port + " sip null\r\n"
               + "a=accept-types:" + ACCEPTED_TYPES + "\r\n";
    }

    /** Answers outside any transaction: for requests nobody here will handle. */
    static void respondStatelessly(SipProvider provider, Request request, int status) {
        try {
            Response response = MESSAGES.createResponse(status, request);
            response.addHeader(HEADERS.createServerHeader(List.of(SipAgentConfig.DEFAULT_USER_AGENT)));
            provider.sendResponse(response);
        } catch (ParseException | SipException e) {
            LOG.debug("Could not answer {} with {}", request.getMethod(), status, e);
        }
    }
}
