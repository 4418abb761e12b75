package dev.camelmsnftp.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.net.ssl.SSLSocket;
import javax.sip.ClientTransaction;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.SipStackImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JAIN-SIP stack on one local listening point (host, port, transport), shared by every agent that asks for it and
 * stopped when the last one releases it. JAIN-SIP allows one listener per stack, so this class is that listener: it
 * hands requests to the agent they are addressed to and responses to the handler of their transaction. It runs on
 * the JAIN-SIP thread that received the message, or its timer thread (a reentrant listener: several at once), and
 * does no more there than routing and what must not wait (an ACK, a stateless answer).
 */
final class SharedStack implements SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(SharedStack.class);
    private static final Map<Key, SharedStack> STACKS = new HashMap<>();
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** UDP message threads per stack (JAIN-SIP THREAD_POOL_SIZE); parsing is short, two cover a burst. */
    private static final int UDP_THREADS = 2;
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(3);
    /** Stack creation is serialised so that the threads each stack starts can be told apart. */
    private static final Object CREATION = new Object();
    /** How long the rest of a message may take to arrive on TCP/TLS once its first line has (READ_TIMEOUT). */
    static final java.time.Duration MESSAGE_READ_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** What identifies a listening point. */
    record Key(String host, int port, SipTransport transport) {
    }

    /** What an agent receives from its stack. */
    interface Agent {
        void onRequest(RequestEvent event);

        void onDialogTerminated(DialogTerminatedEvent event);

        /**
         * A 2xx to an INVITE the agent sent that no transaction of ours takes any more: a forking proxy's further
         * answers, or one that came after the transaction ended.
         */
        void onLateInviteAnswer(ResponseEvent event);
    }

    /** Told about the outcome of one client transaction (set as its application data). */
    interface ResponseHandler {
        void onResponse(ResponseEvent event);

        void onTimeout();
    }

    private final Key key;
    private final SipStackImpl stack;
    private final SipProvider provider;
    private final Set<Thread> ownThreads;
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final Set<Consumer<InetSocketAddress>> connectionListeners = ConcurrentHashMap.newKeySet();
    private int references;

    private SharedStack(Key key, SipStackImpl stack, SipProvider provider, Set<Thread> ownThreads) {
        this.key = key;
        this.stack = stack;
        this.provider = provider;
        this.ownThreads = ownThreads;
    }

    /**
     * The stack for {@code (host, port, transport)}, created when nobody uses it yet. Port 0 picks a free port. The
     * caller must {@link #release} it.
     */
    static SharedStack acquire(String host, int port, SipTransport transport, Map<String, String> properties,
            SipNetworkLayer.Settings network) throws SipAgentException {
        synchronized (STACKS) {
            if (port != 0) {
                SharedStack existing = STACKS.get(new Key(host, port, transport));
                if (existing != null) {
                    existing.references++;
                    return existing;
                }
            }
            SharedStack created = create(host, port, transport, properties, network);
            created.references = 1;
            STACKS.put(created.key, created);
            return created;
        }
    }

    private static SharedStack create(String host, int port, SipTransport transport, Map<String, String> properties,
            SipNetworkLayer.Settings network) throws SipAgentException {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < (port == 0 ? 5 : 1); attempt++) {
            int actualPort;
            try {
                actualPort = port != 0 ? port : freePort(host, transport);
            } catch (IOException e) {
                lastFailure = e;
                continue;
            }
            try {
                return start(new Key(host, actualPort, transport), properties, network);
            } catch (IOException e) {
                lastFailure = e;
            }
        }
        throw new SipAgentException(SipAgentException.Kind.TRANSPORT, 0,
                "Cannot listen on " + host + ":" + port + "/" + transport.wireName() + ": "
                                                                     + (lastFailure == null ? "" : lastFailure.getMessage()),
                lastFailure);
    }

    private static SharedStack start(Key key, Map<String, String> settings, SipNetworkLayer.Settings network)
            throws IOException {
        Properties properties = new Properties();
        String name = "msnftp-" + key.host() + "-" + key.port() + "-" + key.transport().wireName() + "-"
                      + NAMES.incrementAndGet();
        properties.setProperty("javax.sip.STACK_NAME", name);
        // every socket through our network layer: idle connections closed, TLS from the agent's context, all
        // recorded so that stop can close what JAIN-SIP lost track of
        properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", SipNetworkLayer.class.getName());
        // the rest of a message after its first line must arrive within this time (slow senders on TCP/TLS)
        properties.setProperty("gov.nist.javax.sip.READ_TIMEOUT", Long.toString(MESSAGE_READ_TIMEOUT.toMillis()));
        // JAIN-SIP's logs and message traces go to SLF4J through our bridges; no log files
        properties.setProperty("gov.nist.javax.sip.STACK_LOGGER", JainSipLogging.class.getName());
        properties.setProperty("gov.nist.javax.sip.SERVER_LOGGER", JainSipLogging.Messages.class.getName());
        properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        properties.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "1048576");
        properties.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        // heap: a finished transaction keeps its messages only as bytes (not parsed), and is dropped from the stack's
        // tables at once when it terminates, not 8 s later; with the agents ending transactions as soon as SIP allows
        // (InboundDispatcher.endEarly, Outgoing.endTransaction) about 30 KiB per small file no longer stays reachable for
        // 32 s (see performance.md)
        properties.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Normal");
        properties.setProperty("gov.nist.javax.sip.LINGER_TIMER", "0");
        // no congestion auditor: it drops queued requests, and its timer thread outlives a stack stopped early
        properties.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "0");
        // our processors (JainSipConnections): TCP/TLS ones say when a connection closes (see addConnectionListener);
        // UDP threads receive the datagrams they process, with no hand-over between a receiving and a parsing thread
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", JainSipConnections.class.getName());
        // events go to our listener on the thread that received the message (or JAIN-SIP's timer thread), not queued
        // for JAIN-SIP's one event thread: a MESSAGE and its 200 cost 12.4 thread switches instead of 16.3 and about
        // 15 % less CPU (see performance.md); our listener hands anything that may block to the agent's executor
        properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // a fixed pool of UDP message threads: without it JAIN-SIP starts a thread for every datagram, which on its
        // own made a MESSAGE round trip on loopback 2.5 times slower (3 ms against 1.2 ms median, see performance.md);
        // two, so that one thread held up in JAIN-SIP does not stop the next datagram from being taken.
        // UDP only: TCP and TLS have a thread per connection anyway, and keep JAIN-SIP's default there.
        if (key.transport() == SipTransport.UDP) {
            properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(UDP_THREADS));
        }
        properties.putAll(settings);
        SipNetworkLayer.prepare(name, network);
        synchronized (CREATION) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            SipStackImpl stack = null;
            try {
                stack = new BoundedSipStack(properties);
                if (network.tls() != null) {
                    // JAIN-SIP sets its own lists on every TLS connection it opens; its cipher suites are
                    // TLS_RSA_WITH_AES_128_CBC_SHA plus ones the JDK disables (3DES, anonymous): no forward secrecy,
                    // no TLS 1.3, no EC certificates. The lists a socket of the context has instead (the JDK's
                    // defaults, or what Camel's SSLContextParameters configure).
                    try (SSLSocket probe = (SSLSocket) network.tls().getSocketFactory().createSocket()) {
                        stack.setEnabledCipherSuites(probe.getEnabledCipherSuites());
                        stack.setEnabledProtocols(probe.getEnabledProtocols());
                    }
                }
                ListeningPoint point = stack.createListeningPoint(key.host(), key.port(), key.transport().wireName());
                SipProvider provider = stack.createSipProvider(point);
                SharedStack shared = new SharedStack(key, stack, provider, new HashSet<>());
                provider.addSipListener(shared);
                JainSipConnections.watch(stack, shared::connectionClosed);
                stack.start();
                for (Thread thread : Thread.getAllStackTraces().keySet()) {
                    if (!before.contains(thread) && isJainSipThread(thread)) {
                        shared.ownThreads.add(thread);
                    }
                }
                LOG.debug("SIP stack listening on {}:{}/{}", key.host(), key.port(), key.transport().wireName());
                return shared;
            } catch (Exception e) {
                SipNetworkLayer.forget(name);
                if (stack != null) {
                    JainSipConnections.unwatch(stack);
                    stopQuickly(stack, before);
                }
                throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
    }

    /** Finds a port free for the transport: for UDP the datagram port, for TCP/TLS the stream port. */
    private static int freePort(String host, SipTransport transport) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (transport == SipTransport.UDP) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
                return socket.getLocalPort();
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    Key key() {
        return key;
    }

    int port() {
        return key.port();
    }

    SipProvider provider() {
        return provider;
    }

    SipStackImpl stack() {
        return stack;
    }

    /**
     * Told, with the peer's address, whenever a TCP or TLS connection of this stack closes (the peer closed it or it
     * failed); on a JAIN-SIP thread, so listeners hand the work on.
     */
    void addConnectionListener(Consumer<InetSocketAddress> listener) {
        connectionListeners.add(listener);
    }

    void removeConnectionListener(Consumer<InetSocketAddress> listener) {
        connectionListeners.remove(listener);
    }

    /** How many listeners of closed connections the stack holds (one per agent with a registrar); for tests. */
    int connectionListeners() {
        return connectionListeners.size();
    }

    private void connectionClosed(InetSocketAddress peer) {
        LOG.debug("SIP connection to {} closed", peer);
        for (Consumer<InetSocketAddress> listener : connectionListeners) {
            try {
                listener.accept(peer);
            } catch (RuntimeException e) {
                LOG.warn("Connection listener failed", e);
            }
        }
    }

    /** The TCP/TLS connections of this stack open now, either direction. */
    int openConnections() {
        return ((SipNetworkLayer) stack.getNetworkLayer()).openConnections();
    }

    /** JAIN-SIP's name of this stack, which its UDP message threads' names begin with; for tests. */
    String stackName() {
        return stack.getStackName();
    }

    /** The TCP or TLS connections open now, for tests. */
    java.util.List<java.net.Socket> connections() {
        return ((SipNetworkLayer) stack.getNetworkLayer()).connections();
    }

    /** The server transactions JAIN-SIP holds on this stack. */
    int serverTransactions() {
        return stack.getServerTransactionTableSize();
    }

    /** The dialogs JAIN-SIP holds on this stack that have not terminated (terminated ones are dropped soon after). */
    int liveDialogs() {
        return (int) stack.getDialogs().stream().filter(dialog -> dialog.getState() != DialogState.TERMINATED).count();
    }

    /** Routes requests for {@code user} to {@code agent}. */
    void attach(String user, Agent agent) throws SipAgentException {
        if (agents.putIfAbsent(user.toLowerCase(Locale.ROOT), agent) != null) {
            throw new SipAgentException(SipAgentException.Kind.TRANSPORT,
                    "An agent for " + user + " already listens on " + key.host() + ":" + key.port());
        }
    }

    /**
     * Stops routing {@code user} to {@code agent} (when it is the one attached) and releases the stack; the last
     * release stops it and frees its port and threads.
     */
    void release(String user, Agent agent) {
        if (agent != null) {
            agents.remove(user.toLowerCase(Locale.ROOT), agent);
        }
        synchronized (STACKS) {
            if (--references > 0) {
                return;
            }
            STACKS.remove(key);
        }
        JainSipConnections.unwatch(stack);
        stopQuickly(stack, null);
        // JAIN-SIP's stop() closes the connections it knows of at that moment; one accepted or opened while it stops
        // escaped it, and its reader threads blocked on it for good (TLS on loopback: one stop in four). Our network
        // layer recorded every socket the stack made: what is left is closed here, and what comes later at once.
        ((SipNetworkLayer) stack.getNetworkLayer()).closeAll();
        awaitThreads(ownThreads);
        awaitThreads(poolThreads(stack));
        LOG.debug("SIP stack on {}:{}/{} stopped", key.host(), key.port(), key.transport().wireName());
    }

    /**
     * Stops the stack without its one-second pause. JAIN-SIP's stop closes its sockets, then sleeps a second "to let
     * processing complete", ignoring an interrupt; with the interrupt flag set the sleep returns at once. Nothing else
     * on that path waits. Threads the stack leaves behind (its non-daemon EventScanner) are interrupted by the caller.
     */
    private static void stopQuickly(SipStackImpl stack, Set<Thread> before) {
        boolean wasInterrupted = Thread.interrupted();
        Thread.currentThread().interrupt();
        try {
            stack.stop();
        } catch (RuntimeException e) {
            // JAIN-SIP 1.3 races with itself when stopped right after start: UDPMessageProcessor.stop() throws an NPE
            // while its thread has not yet run. The processor's socket is closed by then and it was removed from the
            // stack, so a second stop() skips it and completes the rest (timers, sockets, event scanner).
            LOG.debug("Stopping the SIP stack failed ({}); stopping it again", e.toString());
            try {
                stack.stop();
            } catch (RuntimeException again) {
                LOG.warn("Could not stop the SIP stack cleanly", again);
            }
        } finally {
            Thread.interrupted();
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (before != null) {
            Set<Thread> started = new HashSet<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(thread) && isJainSipThread(thread)) {
                    started.add(thread);
                }
            }
            awaitThreads(started);
            awaitThreads(poolThreads(stack));
        }
    }

    /**
     * Ends the stack's threads: those stop() leaves blocked on their queues are interrupted; the others end by
     * themselves once their sockets are closed. Waiting for them means the ports are really free when this returns: a
     * socket closed while a thread is blocked in it is only released when that thread leaves.
     */
    private static void awaitThreads(Set<Thread> threads) {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread thread : threads) {
            if (isLeftBlocked(thread)) {
                thread.interrupt();
            }
        }
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                thread.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.stream().filter(Thread::isAlive)
                .forEach(thread -> LOG.debug("JAIN-SIP thread {} still running after stop", thread.getName()));
    }

    /**
     * The UDP message pool of a stack (THREAD_POOL_SIZE), named after the stack. Its processor thread starts them
     * after the stack has started, so they are looked up when it has ended (after its processor thread was joined).
     */
    private static Set<Thread> poolThreads(SipStackImpl stack) {
        String prefix = stack.getStackName() + "-";
        Set<Thread> pool = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(prefix)) {
                pool.add(thread);
            }
        }
        return pool;
    }

    /** The threads a JAIN-SIP 1.3 stack starts, by name. */
    private static boolean isJainSipThread(Thread thread) {
        String name = thread.getName();
        return name.startsWith("EventScanner") || name.startsWith("MessageProcessorThread")
               || name.startsWith("DefaultSipTimer") || name.startsWith("BlockingQueueDispatchAuditor");
    }

    /**
     * JAIN-SIP threads that stop() leaves blocked on their queues: the event thread (RestComm/jain-sip#198) and the
     * UDP message pool (THREAD_POOL_SIZE), which waits for datagrams that will never come. A pool thread interrupted
     * while its stack still runs dies on a null packet, so pool threads are only ever taken from a stopped stack by
     * name ({@link #poolThreads}), never by the thread snapshots, which can catch another stack's pool starting.
     */
    private static boolean isLeftBlocked(Thread thread) {
        return thread.getName().startsWith("EventScanner") || thread.getName().contains("UDPMessageChannelThread");
    }

    /**
     * JAIN-SIP 1.3.0-91 reads {@code MAX_SERVER_TRANSACTIONS} but never applies it: the flag that switches the bound on
     * is only ever set to "unlimited". This stack switches it on, so that the table of server transactions stops
     * growing at the configured size (from 80 % of it on JAIN-SIP drops new requests ever more often).
     */
    private static final class BoundedSipStack extends SipStackImpl {
        BoundedSipStack(Properties properties) throws javax.sip.PeerUnavailableException {
            super(properties);
            if (properties.getProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS") != null) {
                unlimitedServerTransactionTableSize = false;
            }
        }
    }

    // --- SipListener: runs on the JAIN-SIP thread that received the message (or its timer thread); route only.

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        Agent agent = null;
        if (request.getRequestURI() instanceof SipURI uri && uri.getUser() != null) {
            agent = agents.get(uri.getUser().toLowerCase(Locale.ROOT));
        }
        if (agent == null && agents.size() == 1) {
            agent = agents.values().iterator().next();
        }
        if (agent == null) {
            if (!Request.ACK.equals(request.getMethod())) {
                SipMessages.respondStatelessly(provider, request, Response.NOT_FOUND);
            }
            return;
        }
        try {
            agent.onRequest(event);
        } catch (RuntimeException e) {
            LOG.warn("Failed to handle {} from {}", request.getMethod(), request.getHeader("From"), e);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        ClientTransaction transaction = event.getClientTransaction();
        Response response = event.getResponse();
        if (transaction != null && transaction.getApplicationData() instanceof ResponseHandler handler) {
            handler.onResponse(event);
            return;
        }
        Agent sender = response.getStatusCode() / 100 == 2 && isInviteAnswer(response) ? senderOf(response) : null;
        if (sender != null) {
            sender.onLateInviteAnswer(event);
        } else {
            LOG.debug("Response {} matches no request of ours", response.getStatusCode());
        }
    }

    private static boolean isInviteAnswer(Response response) {
        return response.getHeader(CSeqHeader.NAME) instanceof CSeqHeader cseq && Request.INVITE.equals(cseq.getMethod());
    }

    /** The agent a response is for: the user in its From header (the request's sender). */
    private Agent senderOf(Response response) {
        if (response.getHeader(FromHeader.NAME) instanceof FromHeader from && from.getAddress().getURI() instanceof SipURI uri
            && uri.getUser() != null) {
            Agent agent = agents.get(uri.getUser().toLowerCase(Locale.ROOT));
            if (agent != null) {
                return agent;
            }
        }
        return agents.size() == 1 ? agents.values().iterator().next() : null;
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction() && event.getClientTransaction() != null
            && event.getClientTransaction().getApplicationData() instanceof ResponseHandler handler) {
            handler.onTimeout();
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("SIP I/O failure toward {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // nothing to do: our handlers complete on the final response or the time-out
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        for (Agent agent : agents.values()) {
            agent.onDialogTerminated(event);
        }
    }
}
