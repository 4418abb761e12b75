package dev.camelmsnftp.sip;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.AbstractQueue;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import gov.nist.javax.sip.SipStackImpl;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import gov.nist.javax.sip.stack.TLSMessageProcessor;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
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
        int pool = udpPool(stack);
        if ("UDP".equalsIgnoreCase(transport) && pool > 0 && sendsFromItsSocket(stack)) {
            return new Udp(address, stack, port, pool);
        }
        return new OIOMessageProcessorFactory().createMessageProcessor(stack, address, port, transport);
    }

    /**
     * The stack's UDP message threads (THREAD_POOL_SIZE), 0 when it has none: then JAIN-SIP makes a channel and a thread
     * per datagram, which take nothing from a queue, and its own processor is used.
     */
    private static int udpPool(SIPTransactionStack stack) {
        String pool = stack instanceof SipStackImpl impl
                ? impl.getConfigurationProperties().getProperty("gov.nist.javax.sip.THREAD_POOL_SIZE") : null;
        try {
            // parsed as JAIN-SIP parses it (no trimming): a value it cannot read leaves it without a pool
            return pool == null ? 0 : Math.max(0, Integer.parseInt(pool));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Tells {@code stack} that it has a UDP processor, as JAIN-SIP's own factory does: only then does it send datagrams
     * from the processor's socket (so that answers, sent back to the source port, arrive) rather than from a new socket
     * per datagram. The flag is package-private in JAIN-SIP 1.3; if it cannot be set, the stock processor is used.
     */
    private static boolean sendsFromItsSocket(SIPTransactionStack stack) {
        try {
            Field flag = SIPTransactionStack.class.getDeclaredField("udpFlag");
            flag.setAccessible(true);
            flag.setBoolean(stack, true);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Using JAIN-SIP's own UDP processor: {}", e.toString());
            return false;
        }
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

    /**
     * UDP without a hand-over per datagram. JAIN-SIP's processor has one thread that receives each datagram and queues
     * it for a pool of threads (THREAD_POOL_SIZE) that parse and process it: every datagram woke two threads, and on a
     * small virtual machine the second wake-up cost 0.1 to 0.3 ms, four times per file sent. Here the pool threads
     * receive themselves: the "queue" they take datagrams from is the socket ({@link Receiving}), so the thread that
     * wakes for a datagram is the one that processes it. Each thread reuses its receive buffer and hands on a copy of
     * the datagram's own length (the stock processor allocated 64 KiB per datagram). The threads keep JAIN-SIP's names
     * ({@code <stack>-UDPMessageChannelThread-<n>}), by which the stack's stop finds them.
     */
    private static final class Udp extends UDPMessageProcessor {

        /** Failures in a row logged at WARN before the rest of the run goes to DEBUG. */
        private static final int REPORTED_FAILURES = 10;
        private final int threads;
        private final AtomicInteger failures = new AtomicInteger();
        /** The largest datagram taken, as JAIN-SIP's processor takes it: 64 KiB, or the stack's MAX_MESSAGE_SIZE if less. */
        private final int datagramSize;

        Udp(InetAddress address, SIPTransactionStack stack, int port, int threads) throws IOException {
            super(address, stack, port);
            this.threads = threads;
            int limit = stack.getMaxMessageSize();
            datagramSize = limit > 0 && limit < SipStackImpl.MAX_DATAGRAM_SIZE ? limit : SipStackImpl.MAX_DATAGRAM_SIZE;
            messageQueue = new Receiving(this);
            // JAIN-SIP's stop() walks this list; the stock processor makes it only once its thread runs, and a stop
            // before that failed with a NullPointerException
            messageChannels = new LinkedList<>();
        }

        @Override
        public void run() {
            // the processor's own thread only starts the pool (the stock one went on to receive and hand over)
            String name = ((SipStackImpl) sipStack).getStackName() + "-UDPMessageChannelThread-";
            synchronized (this) {
                for (int i = 0; i < threads && isRunning; i++) {
                    messageChannels.add(new Worker(sipStack, this, name + i));
                }
            }
        }

        @Override
        public synchronized void stop() {
            super.stop();
        }

        /**
         * The next datagram, received into {@code buffer} and handed on as a packet of its own length (JAIN-SIP logs a
         * packet's whole array when processing fails, and the rest of a reused buffer holds earlier messages).
         * {@code once}: after the socket's time-out (set only by JAIN-SIP's thread auditor) return {@code null}
         * instead of waiting on. When the socket is closed (the stack stops) this throws {@link InterruptedException},
         * on which JAIN-SIP's loop ends because the processor no longer runs.
         */
        DatagramQueuedMessageDispatch receive(byte[] buffer, boolean once) throws InterruptedException {
            while (true) {
                DatagramSocket socket = sock;
                if (!isRunning || socket == null || socket.isClosed()) {
                    // a closed socket ends the processor also when closed by someone else than stop(): JAIN-SIP's loop
                    // goes on after the interrupt while the processor runs, and would come back here at once, forever
                    isRunning = false;
                    throw new InterruptedException("The SIP stack stopped");
                }
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    failures.set(0);
                    byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
                    DatagramPacket own = new DatagramPacket(datagram, datagram.length, packet.getSocketAddress());
                    return new DatagramQueuedMessageDispatch(own, System.currentTimeMillis());
                } catch (SocketTimeoutException quiet) {
                    if (once) {
                        return null;
                    }
                } catch (IOException e) {
                    if (!isRunning || socket.isClosed()) {
                        isRunning = false;
                        throw new InterruptedException("The SIP stack stopped");
                    }
                    // as JAIN-SIP's own processor: the first few of a run of failures at WARN, then quieter
                    if (failures.incrementAndGet() <= REPORTED_FAILURES) {
                        LOG.warn("Receiving a SIP datagram on {} failed: {}", socket.getLocalSocketAddress(), e.toString());
                    } else {
                        LOG.debug("Receiving a SIP datagram failed: {}", e.toString());
                    }
                }
            }
        }

        /** One pool thread: JAIN-SIP's own loop (take a datagram, parse it, process it), taking from the socket. */
        private static final class Worker extends UDPMessageChannel {
            Worker(SIPTransactionStack stack, Udp processor, String threadName) {
                super(stack, processor, threadName);
            }
        }
    }

    /**
     * The datagrams of a UDP processor as the queue JAIN-SIP's pool threads take from: {@link #take()} receives from
     * the socket into the calling thread's buffer. Only what those threads call is implemented; the processor no longer
     * offers anything.
     */
    private static final class Receiving extends AbstractQueue<DatagramQueuedMessageDispatch>
            implements BlockingQueue<DatagramQueuedMessageDispatch> {

        private final Udp processor;
        private final ThreadLocal<byte[]> buffers;

        Receiving(Udp processor) {
            this.processor = processor;
            int size = processor.datagramSize;
            this.buffers = ThreadLocal.withInitial(() -> new byte[size]);
        }

        @Override
        public DatagramQueuedMessageDispatch take() throws InterruptedException {
            return processor.receive(buffers.get(), false);
        }

        /**
         * Only with JAIN-SIP's thread auditor (off in our stacks), which sets the socket's time-out to its ping
         * interval and expects {@code null} when nothing came in that time.
         */
        @Override
        public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
            return processor.receive(buffers.get(), true);
        }

        @Override
        public boolean offer(DatagramQueuedMessageDispatch dispatch) {
            throw new UnsupportedOperationException("datagrams are received by the pool threads");
        }

        @Override
        public void put(DatagramQueuedMessageDispatch dispatch) {
            throw new UnsupportedOperationException("datagrams are received by the pool threads");
        }

        @Override
        public boolean offer(DatagramQueuedMessageDispatch dispatch, long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("datagrams are received by the pool threads");
        }

        @Override
        public DatagramQueuedMessageDispatch poll() {
            return null;
        }

        @Override
        public DatagramQueuedMessageDispatch peek() {
            return null;
        }

        @Override
        public int remainingCapacity() {
            return 0;
        }

        @Override
        public int drainTo(Collection<? super DatagramQueuedMessageDispatch> to) {
            return 0;
        }

        @Override
        public int drainTo(Collection<? super DatagramQueuedMessageDispatch> to, int max) {
            return 0;
        }

        @Override
        public Iterator<DatagramQueuedMessageDispatch> iterator() {
            return Collections.emptyIterator();
        }

        @Override
        public int size() {
            return 0;
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
