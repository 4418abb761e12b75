package dev.camelmsnftp.sip;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one JAIN-SIP stack (its {@code gov.nist.javax.sip.NETWORK_LAYER}): every socket the stack opens or
 * accepts is made here and recorded until it is closed, so that
 * <ul>
 * <li>a TCP/TLS connection that stays silent for the idle time-out is closed (its read times out, and JAIN-SIP ends
 * the connection and its two threads);</li>
 * <li>TLS sockets come from the agent's {@link SSLContext}, and a TLS connection we open checks that the peer's
 * certificate is for the host we connect to (when the settings ask for it);</li>
 * <li>what is left open when the stack stops is closed, whatever JAIN-SIP still knows of it ({@link #closeAll}).</li>
 * </ul>
 * JAIN-SIP makes the instance itself (by class name, with no arguments) and then hands it its stack; the settings
 * are looked up by the stack's name, registered with {@link #prepare} just before the stack is made. For JAIN-SIP
 * only: public because JAIN-SIP instantiates it by reflection.
 */
public final class SipNetworkLayer implements NetworkLayer {

    private static final Logger LOG = LoggerFactory.getLogger(SipNetworkLayer.class);
    private static final Map<String, Settings> PREPARED = new ConcurrentHashMap<>();
    /** How long we wait for a TCP connection to be accepted (JAIN-SIP's own TLS layer waits as long). */
    private static final int CONNECT_TIMEOUT_MILLIS = 8000;

    /**
     * What a stack's sockets are made with.
     *
     * @param maxAccepted how many connections peers may hold open to the listening point at once
     * @param idleTimeout how long a connection may stay silent before it is closed
     * @param tls         the TLS context, or null when the stack does not use TLS
     * @param verifyHost  whether a TLS connection we open checks the peer's certificate against the host's name
     */
    record Settings(int maxAccepted, Duration idleTimeout, SSLContext tls, boolean verifyHost) {
        Settings {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }
    }

    private final Set<Closeable> live = ConcurrentHashMap.newKeySet();
    /** Set by {@link #closeAll}: from then on every socket made is closed at once. */
    private volatile boolean stopped;
    private Settings settings;
    private int idleMillis;
    private Semaphore acceptable;

    /** For JAIN-SIP, which makes the layer by reflection; it calls {@link #setSipStack} next. */
    public SipNetworkLayer() {
    }

    /** Registers the settings for the stack named {@code stackName}, to be made next. */
    static void prepare(String stackName, Settings settings) {
        PREPARED.put(stackName, settings);
    }

    /** Drops the settings of a stack that could not be made. */
    static void forget(String stackName) {
        PREPARED.remove(stackName);
    }

    @Override
    public void setSipStack(SipStackImpl sipStack) {
        Settings prepared = PREPARED.remove(sipStack.getStackName());
        if (prepared == null) {
            throw new IllegalStateException("No network settings for SIP stack " + sipStack.getStackName());
        }
        this.settings = prepared;
        this.idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, prepared.idleTimeout().toMillis()));
        this.acceptable = new Semaphore(prepared.maxAccepted());
    }

    /** Connections (TCP or TLS, either direction) open now. */
    int openConnections() {
        return (int) live.stream().filter(Socket.class::isInstance).count();
    }

    /** Connections (TCP or TLS, either direction) open now, for tests. */
    List<Socket> connections() {
        return live.stream().filter(Socket.class::isInstance).map(Socket.class::cast).toList();
    }

    /**
     * Closes every socket the stack still holds, its listeners and connections, and every one made from now on (a
     * connection JAIN-SIP accepts or opens while it stops, which its stop() does not see and whose reader threads
     * would otherwise block on it for good). Quiet: this is clean-up.
     */
    void closeAll() {
        stopped = true;
        for (Closeable closeable : List.copyOf(live)) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing a socket of a stopped SIP stack failed: {}", e.toString());
            }
        }
        live.clear();
    }

    // --- listening

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return record(new Listener(port, backlog, bindAddress));
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return record(new TlsListener(tls(), new Listener(port, backlog, bindAddress)));
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return record(new RecordedDatagramSocket(new InetSocketAddress(0)));
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress bindAddress) throws SocketException {
        return record(new RecordedDatagramSocket(new InetSocketAddress(bindAddress, port)));
    }

    // --- connecting

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connect(address, port, null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return connect(address, port, localAddress, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connect(address, port, localAddress, localPort);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    /**
     * A TLS connection to {@code address}: a plain connection first, then TLS on it in client mode, for the host name
     * JAIN-SIP resolved ({@link InetSocketAddress#getHostString()}: the name when it resolved one, else the address
     * literal; never a reverse lookup). With host verification, the handshake fails unless the certificate is for that
     * name (RFC 2818 rules: subjectAltName DNS or IP entries).
     */
    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        SSLContext context = tls();
        Socket plain = connect(address, port, localAddress, 0);
        try {
            String host = new InetSocketAddress(address, port).getHostString();
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            socket.setUseClientMode(true);
            if (settings.verifyHost()) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private Socket connect(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        RecordedSocket socket = record(new RecordedSocket());
        try {
            if (localAddress != null || localPort != 0) {
                socket.bind(new InetSocketAddress(localAddress, localPort));
            }
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(idleMillis);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private SSLContext tls() throws IOException {
        if (settings.tls() == null) {
            throw new IOException("TLS is not configured for this SIP stack");
        }
        return settings.tls();
    }

    /** Records a socket; closes it and fails when the stack has stopped (checked after recording: no gap). */
    private <T extends Closeable> T record(T closeable) throws SocketException {
        live.add(closeable);
        if (stopped) {
            live.remove(closeable);
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.debug("Closing a socket made after stop failed: {}", e.toString());
            }
            throw new SocketException("The SIP stack has stopped");
        }
        return closeable;
    }

    /** A TCP socket that leaves the record when it is closed; an accepted one gives its place back. */
    private final class RecordedSocket extends Socket {
        private boolean holdsPlace;

        @Override
        public synchronized void close() throws IOException {
            try {
                super.close();
            } finally {
                live.remove(this);
                if (holdsPlace) {
                    holdsPlace = false;
                    acceptable.release();
                }
            }
        }
    }

    private final class RecordedDatagramSocket extends DatagramSocket {
        RecordedDatagramSocket(SocketAddress bindAddress) throws SocketException {
            super(bindAddress);
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                live.remove(this);
            }
        }
    }

    /** A TCP listener whose connections are recorded and time out when idle. */
    private final class Listener extends ServerSocket {
        Listener(int port, int backlog, InetAddress bindAddress) throws IOException {
            super(port, backlog, bindAddress);
        }

        /**
         * The next connection, once fewer than {@code maxAccepted} are open: beyond that, connections wait in the
         * backlog (JAIN-SIP's own MAX_CONNECTIONS count drifts down each time a connection we opened closes, so it is
         * no bound on its own).
         */
        @Override
        public Socket accept() throws IOException {
            waitForPlace();
            RecordedSocket socket = new RecordedSocket();
            socket.holdsPlace = true;
            try {
                implAccept(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            record(socket);
            socket.setSoTimeout(idleMillis);
            socket.setTcpNoDelay(true);
            return socket;
        }

        private void waitForPlace() throws IOException {
            try {
                while (!acceptable.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (isClosed()) {
                        throw new SocketException("Socket is closed");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting to accept a connection");
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                live.remove(this);
            }
        }
    }

    /**
     * A TLS listener: accepts plain connections on a {@link Listener} and puts TLS on each in server mode. The
     * protocols, cipher suites and client authentication are those a server socket of the context has (so Camel's
     * SSLContextParameters, server side included, decide them); what JAIN-SIP sets on the listener is ignored, its own
     * lists being outdated. The handshake happens on the connection's first read, on JAIN-SIP's thread for that
     * connection, never in {@code accept()} (an SSL failure there would end JAIN-SIP's accept loop).
     */
    private final class TlsListener extends SSLServerSocket {
        private final SSLContext context;
        private final Listener listener;
        private final String[] protocols;
        private final String[] cipherSuites;
        private final boolean needClientAuth;
        private final boolean wantClientAuth;

        TlsListener(SSLContext context, Listener listener) throws IOException {
            this.context = context;
            this.listener = listener;
            try (SSLServerSocket probe = (SSLServerSocket) context.getServerSocketFactory().createServerSocket()) {
                this.protocols = probe.getEnabledProtocols();
                this.cipherSuites = probe.getEnabledCipherSuites();
                this.needClientAuth = probe.getNeedClientAuth();
                this.wantClientAuth = probe.getWantClientAuth();
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }

        @Override
        public Socket accept() throws IOException {
            Socket plain = listener.accept();
            try {
                // a layered socket switched to server mode before its handshake (the server-mode layering method is
                // not offered by every factory, Camel's decorated ones among them)
                SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
                        plain.getInetAddress().getHostAddress(), plain.getPort(), true);
                socket.setUseClientMode(false);
                socket.setEnabledProtocols(protocols);
                socket.setEnabledCipherSuites(cipherSuites);
                if (needClientAuth) {
                    socket.setNeedClientAuth(true);
                } else {
                    socket.setWantClientAuth(wantClientAuth);
                }
                return socket;
            } catch (IOException | RuntimeException e) {
                plain.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                listener.close();
                super.close();
            } finally {
                live.remove(this);
            }
        }

        @Override
        public boolean isClosed() {
            return listener.isClosed();
        }

        @Override
        public boolean isBound() {
            return listener.isBound();
        }

        @Override
        public InetAddress getInetAddress() {
            return listener.getInetAddress();
        }

        @Override
        public int getLocalPort() {
            return listener.getLocalPort();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return listener.getLocalSocketAddress();
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            listener.setSoTimeout(timeout);
        }

        @Override
        public synchronized int getSoTimeout() throws IOException {
            return listener.getSoTimeout();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return cipherSuites.clone();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            // the context's, see the class comment
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return context.getSupportedSSLParameters().getCipherSuites();
        }

        @Override
        public String[] getSupportedProtocols() {
            return context.getSupportedSSLParameters().getProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return protocols.clone();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            // the context's, see the class comment
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            // the context's, see the class comment
        }

        @Override
        public boolean getNeedClientAuth() {
            return needClientAuth;
        }

        @Override
        public void setWantClientAuth(boolean want) {
            // the context's, see the class comment
        }

        @Override
        public boolean getWantClientAuth() {
            return wantClientAuth;
        }

        @Override
        public void setUseClientMode(boolean mode) {
            if (mode) {
                throw new IllegalArgumentException("A listener is in server mode");
            }
        }

        @Override
        public boolean getUseClientMode() {
            return false;
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            // always on
        }

        @Override
        public boolean getEnableSessionCreation() {
            return true;
        }

        @Override
        public String toString() {
            return "TLS " + listener;
        }
    }
}
