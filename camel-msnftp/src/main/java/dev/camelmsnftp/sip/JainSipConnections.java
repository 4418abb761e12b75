package dev.camelmsnftp.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import gov.nist.javax.sip.stack.TLSMessageProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: JAIN-SIP's message processors (property {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}, instantiated
 * by JAIN-SIP), the stock ones, except that TCP and TLS processors say when one of their connections closes. JAIN-SIP
 * 1.3 tells its listener nothing when a peer closes a connection; the agent needs to know when the one to its registrar
 * went (the registrar stopped or restarted) to register again at once.
 */
public final class JainSipConnections implements MessageProcessorFactory {

    private static final Logger LOG = LoggerFactory.getLogger(JainSipConnections.class);
    private static final Map<SIPTransactionStack, Consumer<InetSocketAddress>> WATCHERS = new ConcurrentHashMap<>();

    /** Told with the peer's address when a TCP or TLS connection of {@code stack} closes, on a JAIN-SIP thread. */
    static void watch(SIPTransactionStack stack, Consumer<InetSocketAddress> closed) {
        WATCHERS.put(stack, closed);
    }

    static void unwatch(SIPTransactionStack stack) {
        WATCHERS.remove(stack);
    }

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport)
            throws IOException {
        if ("TCP".equalsIgnoreCase(transport)) {
            return new Tcp(address, stack, port);
        }
        if ("TLS".equalsIgnoreCase(transport)) {
            return new Tls(address, stack, port);
        }
        return new OIOMessageProcessorFactory().createMessageProcessor(stack, address, port, transport);
    }

    /** A channel left its processor: the connection closed (end of stream, I/O error, or the stack stopping). */
    private static void closed(SIPTransactionStack stack, ConnectionOrientedMessageChannel channel) {
        Consumer<InetSocketAddress> watcher = WATCHERS.get(stack);
        if (watcher == null) {
            return;
        }
        try {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(channel.getPeerAddress()),
                    channel.getPeerPort());
            watcher.accept(peer);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot report a closed SIP connection: {}", e.toString());
        }
    }

    private static final class Tcp extends TCPMessageProcessor {
        Tcp(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        protected synchronized void remove(ConnectionOrientedMessageChannel channel) {
            super.remove(channel);
            closed(getSIPStack(), channel);
        }
    }

    private static final class Tls extends TLSMessageProcessor {
        Tls(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        protected synchronized void remove(ConnectionOrientedMessageChannel channel) {
            super.remove(channel);
            closed(getSIPStack(), channel);
        }
    }
}
