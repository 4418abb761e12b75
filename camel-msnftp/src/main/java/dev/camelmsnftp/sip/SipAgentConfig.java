package dev.camelmsnftp.sip;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The settings of a {@link SipAgent}, mirroring the SIP options of the component (SPEC 5). Immutable; build with
 * {@link #builder(String)}.
 */
public final class SipAgentConfig {

    /** The version-stamped {@code User-Agent} of every request and response. */
    public static final String DEFAULT_USER_AGENT = "camel-msnftp/" + Optional
            .ofNullable(SipAgentConfig.class.getPackage().getImplementationVersion()).orElse("dev");

    /** Default of {@link #keepAliveInterval()}: a registrar that restarted finds us again within about this long. */
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);

    /** Default of {@link #maxIncomingSessions()}. */
    public static final int DEFAULT_MAX_INCOMING_SESSIONS = 100;
    /** Default of {@link #incomingSessionIdleTimeout()}: longer than a peer's own idle time-out (ours is 60 s). */
    public static final Duration DEFAULT_INCOMING_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(3);

    /** Default of {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default of {@link #connectionIdleTimeout()}. */
    public static final Duration DEFAULT_CONNECTION_IDLE_TIMEOUT = Duration.ofMinutes(2);
    /** Default of {@link #maxServerTransactions()} (JAIN-SIP's documented default, which it only applies when set). */
    public static final int DEFAULT_MAX_SERVER_TRANSACTIONS = 5000;
    /** Default of {@link #maxPendingRequests()}. */
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 1000;

    private final SipAddress localUser;
    private final String sipHost;
    private final int sipPort;
    private final SipTransport transport;
    private final String advertisedHost;
    private final HostPort registrar;
    private final HostPort outboundProxy;
    private final String authUsername;
    private final String password;
    private final SipMode mode;
    private final Duration requestTimeout;
    private final Duration sessionIdleTimeout;
    private final Duration registrationExpiry;
    private final Duration keepAliveInterval;
    private final TlsSettings tls;
    private final String userAgent;
    private final Map<String, String> stackProperties;
    private final Executor listenerExecutor;
    private final int listenerThreads;
    private final int maxIncomingSessions;
    private final int maxConnections;
    private final Duration connectionIdleTimeout;
    private final int maxServerTransactions;
    private final int maxPendingRequests;
    private final Duration incomingSessionIdleTimeout;

    private SipAgentConfig(Builder b) {
        this.localUser = SipAddress.parse(b.localUser);
        this.sipHost = b.sipHost;
        this.sipPort = b.sipPort;
        this.transport = b.transport;
        this.advertisedHost = b.advertisedHost;
        this.registrar = b.registrar;
        this.outboundProxy = b.outboundProxy;
        this.authUsername = b.authUsername;
        this.password = b.password;
        this.mode = b.mode;
        this.requestTimeout = positive(b.requestTimeout, "requestTimeout");
        this.sessionIdleTimeout = positive(b.sessionIdleTimeout, "sessionIdleTimeout");
        this.registrationExpiry = positive(b.registrationExpiry, "registrationExpiry");
        this.keepAliveInterval = b.keepAliveInterval;
        if (registrationExpiry.toSeconds() < 1) {
            throw new IllegalArgumentException("registrationExpiry must be at least 1 s: " + registrationExpiry);
        }
        if (keepAliveInterval == null || keepAliveInterval.isNegative()
            || !keepAliveInterval.isZero() && keepAliveInterval.toMillis() < 100) {
            throw new IllegalArgumentException("keepAliveInterval must be 0 (off) or at least 100 ms: " + keepAliveInterval);
        }
        this.tls = b.tls;
        this.userAgent = b.userAgent;
        this.stackProperties = Map.copyOf(b.stackProperties);
        this.listenerExecutor = b.listenerExecutor;
        this.listenerThreads = b.listenerThreads;
        this.maxIncomingSessions = b.maxIncomingSessions;
        this.incomingSessionIdleTimeout = positive(b.incomingSessionIdleTimeout, "incomingSessionIdleTimeout");
        this.maxConnections = b.maxConnections;
        this.connectionIdleTimeout = positive(b.connectionIdleTimeout, "connectionIdleTimeout");
        this.maxServerTransactions = b.maxServerTransactions;
        this.maxPendingRequests = b.maxPendingRequests;
        if (sipPort < 0 || sipPort > 65535) {
            throw new IllegalArgumentException("sipPort must be 0..65535: " + sipPort);
        }
        if (transport == SipTransport.TLS && tls == null) {
            throw new IllegalArgumentException("The tls transport needs TLS settings (an SSLContext)");
        }
        if (listenerThreads < 1) {
            throw new IllegalArgumentException("listenerThreads must be >= 1");
        }
        if (maxIncomingSessions < 1) {
            throw new IllegalArgumentException("maxIncomingSessions must be >= 1");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1");
        }
        if (maxServerTransactions < 10) {
            throw new IllegalArgumentException("maxServerTransactions must be >= 10");
        }
        if (maxPendingRequests < 1) {
            throw new IllegalArgumentException("maxPendingRequests must be >= 1");
        }
    }

    /** Settings for {@code localUser} ({@code alice@corp.example}, {@code sip:} optional), with the SPEC defaults. */
    public static Builder builder(String localUser) {
        return new Builder(localUser);
    }

    private static Duration positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    public SipAddress localUser() {
        return localUser;
    }

    public String sipHost() {
        return sipHost;
    }

    /** The configured port; 0 means a free one is chosen (see {@link SipAgent#localPort()}). */
    public int sipPort() {
        return sipPort;
    }

    public SipTransport transport() {
        return transport;
    }

    /** The host written in Via, Contact and SDP, when the bind address is not the one peers can reach. */
    public Optional<String> advertisedHost() {
        return Optional.ofNullable(advertisedHost);
    }

    public Optional<HostPort> registrar() {
        return Optional.ofNullable(registrar);
    }

    public Optional<HostPort> outboundProxy() {
        return Optional.ofNullable(outboundProxy);
    }

    /** The digest user name: {@code authUsername}, else the user part of {@code localUser}. */
    public String authUsername() {
        return authUsername != null ? authUsername : localUser.user();
    }

    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public SipMode mode() {
        return mode;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    public Duration registrationExpiry() {
        return registrationExpiry;
    }

    /**
     * With a registrar: how often the registration is checked (a REGISTER query); a binding the registrar lost is
     * renewed at once. Zero: no checks.
     */
    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    public Optional<TlsSettings> tls() {
        return Optional.ofNullable(tls);
    }

    public String userAgent() {
        return userAgent;
    }

    public Map<String, String> stackProperties() {
        return stackProperties;
    }

    public Optional<Executor> listenerExecutor() {
        return Optional.ofNullable(listenerExecutor);
    }

    public int listenerThreads() {
        return listenerThreads;
    }

    /** How many IM sessions peers may hold open with this agent at once; a further INVITE is answered 486. */
    public int maxIncomingSessions() {
        return maxIncomingSessions;
    }

    /** How long an IM session a peer opened stays open with no request either way before we end it with BYE. */
    public Duration incomingSessionIdleTimeout() {
        return incomingSessionIdleTimeout;
    }

    /**
     * How many TCP/TLS connections peers may hold open to the agent's listening point at once (JAIN-SIP's
     * {@code MAX_CONNECTIONS}: each costs two threads); further ones wait to be accepted until one closes.
     */
    public int maxConnections() {
        return maxConnections;
    }

    /** How long a TCP/TLS connection, either direction, may stay silent before it is closed. */
    public Duration connectionIdleTimeout() {
        return connectionIdleTimeout;
    }

    /**
     * How many server transactions JAIN-SIP keeps at once (its {@code MAX_SERVER_TRANSACTIONS}): from 80 % of it on,
     * new requests are dropped ever more often, at 100 % all (UDP senders retransmit).
     */
    public int maxServerTransactions() {
        return maxServerTransactions;
    }

    /**
     * How many requests the agent may have sent and not yet seen answered at once; one more fails at once (kind
     * {@code TRANSPORT}) instead of being sent. A peer that makes us send (a declined offer is answered with a CANCEL
     * of our own) and never answers can so hold at most this many client transactions, for {@code requestTimeout}
     * each.
     */
    public int maxPendingRequests() {
        return maxPendingRequests;
    }

    @Override
    public String toString() {
        return "SipAgentConfig[localUser=" + localUser + ", listen=" + sipHost + ":" + sipPort + "/" + transport.wireName()
               + ", registrar=" + registrar + ", outboundProxy=" + outboundProxy + ", mode=" + mode + ", password="
               + (password == null ? "none" : "***") + "]";
    }

    /** Builds a {@link SipAgentConfig}. */
    public static final class Builder {
        private final String localUser;
        private String sipHost = "0.0.0.0";
        private int sipPort = 5060;
        private SipTransport transport = SipTransport.UDP;
        private String advertisedHost;
        private HostPort registrar;
        private HostPort outboundProxy;
        private String authUsername;
        private String password;
        private SipMode mode = SipMode.SESSION;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration sessionIdleTimeout = Duration.ofSeconds(60);
        private Duration registrationExpiry = Duration.ofMinutes(10);
        private Duration keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;
        private TlsSettings tls;
        private String userAgent = DEFAULT_USER_AGENT;
        private final Map<String, String> stackProperties = new LinkedHashMap<>();
        private Executor listenerExecutor;
        private int listenerThreads = 8;
        private int maxIncomingSessions = DEFAULT_MAX_INCOMING_SESSIONS;
        private Duration incomingSessionIdleTimeout = DEFAULT_INCOMING_SESSION_IDLE_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration connectionIdleTimeout = DEFAULT_CONNECTION_IDLE_TIMEOUT;
        private int maxServerTransactions = DEFAULT_MAX_SERVER_TRANSACTIONS;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;

        private Builder(String localUser) {
            this.localUser = Objects.requireNonNull(localUser, "localUser");
        }

        /** The local address to listen on ({@code 0.0.0.0} for all). */
        public Builder sipHost(String sipHost) {
            this.sipHost = Objects.requireNonNull(sipHost);
            return this;
        }

        /** The local port; 0 picks a free one. */
        public Builder sipPort(int sipPort) {
            this.sipPort = sipPort;
            return this;
        }

        public Builder transport(SipTransport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        /** {@code host[:port]} to REGISTER at; none means no registration. */
        public Builder registrar(String registrar) {
            this.registrar = registrar == null || registrar.isBlank() ? null : HostPort.parse(registrar, 5060);
            return this;
        }

        /** {@code host[:port][/transport]} every request goes through. */
        public Builder outboundProxy(String outboundProxy) {
            this.outboundProxy = outboundProxy == null || outboundProxy.isBlank() ? null : HostPort.parse(outboundProxy, 5060);
            return this;
        }

        public Builder authUsername(String authUsername) {
            this.authUsername = authUsername;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder mode(SipMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** How long to wait for the final response to a request. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long an IM session we opened stays open with no message, for reuse, before we send BYE. */
        public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
            this.sessionIdleTimeout = sessionIdleTimeout;
            return this;
        }

        /** The registration lifetime we ask for; refreshed before it ends. */
        public Builder registrationExpiry(Duration registrationExpiry) {
            this.registrationExpiry = registrationExpiry;
            return this;
        }

        /**
         * With a registrar: how often to check that it still holds our registration (a REGISTER query, which also keeps
         * the connection and NAT bindings toward it alive); a lost one is renewed at once. {@link Duration#ZERO} turns
         * the checks off. Default 15 s.
         */
        public Builder keepAliveInterval(Duration keepAliveInterval) {
            this.keepAliveInterval = keepAliveInterval;
            return this;
        }

        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent);
            return this;
        }

        /** A raw JAIN-SIP stack property ({@code gov.nist.javax.sip.*}), for what the options do not cover. */
        public Builder stackProperty(String name, String value) {
            this.stackProperties.put(name, value);
            return this;
        }

        /** Runs listeners on this executor instead of the agent's own bounded pool. */
        public Builder listenerExecutor(Executor listenerExecutor) {
            this.listenerExecutor = listenerExecutor;
            return this;
        }

        /** The size of the agent's own listener pool. */
        public Builder listenerThreads(int listenerThreads) {
            this.listenerThreads = listenerThreads;
            return this;
        }

        /** How many IM sessions peers may hold open at once (default 100); a further INVITE is answered 486. */
        public Builder maxIncomingSessions(int maxIncomingSessions) {
            this.maxIncomingSessions = maxIncomingSessions;
            return this;
        }

        /** How long an IM session a peer opened may stay unused before we end it with BYE (default 3 minutes). */
        public Builder incomingSessionIdleTimeout(Duration incomingSessionIdleTimeout) {
            this.incomingSessionIdleTimeout = incomingSessionIdleTimeout;
            return this;
        }

        /** How many TCP/TLS connections peers may hold open at once (default 64). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** How long a TCP/TLS connection may stay silent before it is closed (default 2 minutes). */
        public Builder connectionIdleTimeout(Duration connectionIdleTimeout) {
            this.connectionIdleTimeout = connectionIdleTimeout;
            return this;
        }

        /** How many server transactions JAIN-SIP keeps at once (default 5000). */
        public Builder maxServerTransactions(int maxServerTransactions) {
            this.maxServerTransactions = maxServerTransactions;
            return this;
        }

        /** How many requests may wait for their answer at once (default 1000); more fail without being sent. */
        public Builder maxPendingRequests(int maxPendingRequests) {
            this.maxPendingRequests = maxPendingRequests;
            return this;
        }

        public SipAgentConfig build() {
            return new SipAgentConfig(this);
        }
    }
}
