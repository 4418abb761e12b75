package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UDP relay between two SIP agents on 127.0.0.1, standing in for a bad network (netem is not available on the test
 * machines): each datagram is dropped, delayed (and so reordered), duplicated, or replayed as a new transaction at
 * random as configured, or dropped when a filter says so.
 * <p>
 * The first agent ("A") reaches the second at {@link #portForA()} instead of its real port, and the second ("B") sees
 * the first at {@link #portForB()}. For that the relay rewrites every {@code 127.0.0.1:<port>} of the header lines
 * (Via, Contact, To, request URI), as a SIP-aware NAT would: what A sends says {@code portForB} where it said A's real
 * port and B's real port where it said {@code portForA}, and the other way round, so that B answers, and sends its own
 * requests (in a dialog, to the Contact; out of dialog, to the Via), through the relay too. Bodies are never touched
 * (Content-Length stays right); the MSNFTP connection itself goes directly between the agents.
 */
public final class SipRelay implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern ADDRESS = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

    /**
     * What happens to datagrams: loss and duplication probabilities, delays drawn uniformly up to {@code maxDelayMillis}
     * (which reorders them), and the probability that a request is also sent again as a new transaction (a fresh Via
     * branch), as a proxy that retries does: the receiver sees the same request twice above the SIP transaction layer.
     */
    public record Impairment(double loss, double duplication, int maxDelayMillis, double replay) {
        public static final Impairment NONE = new Impairment(0, 0, 0, 0);
    }

    /** A datagram as the relay saw it, before it decided its fate. */
    public record Datagram(boolean fromA, String text, long nanos) {
    }

    private final int realA;
    private final int realB;
    private final DatagramSocket facingA;
    private final DatagramSocket facingB;
    private final Random random;
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sip-relay-delays");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread[] readers = new Thread[2];
    private volatile Impairment impairment = Impairment.NONE;
    private volatile Predicate<Datagram> dropIf = datagram -> false;
    private final ConcurrentLinkedQueue<Datagram> seen = new ConcurrentLinkedQueue<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong[] lastSent = { new AtomicLong(), new AtomicLong() };

    /**
     * @param realA the SIP port agent A listens on
     * @param realB the SIP port agent B listens on
     * @param seed  for the random decisions (print it with the results to replay a run)
     */
    public SipRelay(int realA, int realB, long seed) throws SocketException {
        this.realA = realA;
        this.realB = realB;
        this.random = new Random(seed);
        this.facingA = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        this.facingB = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        readers[0] = new Thread(() -> pump(facingA, true), "sip-relay-from-a");
        readers[1] = new Thread(() -> pump(facingB, false), "sip-relay-from-b");
        for (Thread reader : readers) {
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Where A sends what is meant for B. */
    public int portForA() {
        return facingA.getLocalPort();
    }

    /** Where B sends what is meant for A. */
    public int portForB() {
        return facingB.getLocalPort();
    }

    public SipRelay impair(Impairment impairment) {
        this.impairment = impairment;
        return this;
    }

    /** Drops every datagram {@code filter} accepts, whatever the impairment (counted apart). */
    public SipRelay dropIf(Predicate<Datagram> filter) {
        this.dropIf = filter;
        return this;
    }

    /** Every datagram the relay received so far, in order. */
    public Iterable<Datagram> seen() {
        return seen;
    }

    /** Counts, for a results line. */
    public Map<String, Long> counts() {
        return Map.of("forwarded", forwarded.get(), "lost", dropped.get(), "duplicated", duplicated.get(), "replayed",
                replayed.get(), "reordered", reordered.get(), "filtered", filtered.get());
    }

    private void pump(DatagramSocket from, boolean fromA) {
        byte[] buffer = new byte[65535];
        while (!from.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                from.receive(packet);
            } catch (IOException closed) {
                return;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            Datagram datagram = new Datagram(fromA, text, System.nanoTime());
            seen.add(datagram);
            if (dropIf.test(datagram)) {
                filtered.incrementAndGet();
                continue;
            }
            byte[] out = rewrite(text, fromA).getBytes(StandardCharsets.UTF_8);
            Impairment now = impairment;
            int copies;
            byte[] replay = null;
            long[] delay = new long[2];
            synchronized (random) {
                if (random.nextDouble() < now.loss()) {
                    dropped.incrementAndGet();
                    continue;
                }
                copies = random.nextDouble() < now.duplication() ? 2 : 1;
                if (copies == 1 && isReplayable(text) && random.nextDouble() < now.replay()) {
                    copies = 2;
                    replay = rewrite(text.replaceFirst("branch=z9hG4bK", "branch=z9hG4bKreplay" + random.nextInt(1_000_000)),
                            fromA).getBytes(StandardCharsets.UTF_8);
                }
                for (int i = 0; i < copies; i++) {
                    delay[i] = now.maxDelayMillis() == 0 ? 0 : random.nextInt(now.maxDelayMillis() + 1);
                }
            }
            if (copies == 2) {
                (replay == null ? duplicated : replayed).incrementAndGet();
            }
            for (int i = 0; i < copies; i++) {
                long sequence = System.nanoTime();
                byte[] bytes = i == 1 && replay != null ? replay : out;
                if (delay[i] == 0) {
                    send(bytes, fromA, sequence);
                } else {
                    delays.schedule(() -> send(bytes, fromA, sequence), delay[i], TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /**
     * Non-INVITE requests (MESSAGE, BYE, REGISTER, OPTIONS). A proxy that sends an INVITE on two branches relays the
     * answers of both, which a relay that replays it cannot do (the second branch's answer would be a 482 the caller
     * never sees the reason for), so INVITEs, and the ACK and CANCEL that belong to them, are not replayed.
     */
    private static boolean isReplayable(String text) {
        return !text.startsWith("SIP/2.0") && !text.startsWith("INVITE ") && !text.startsWith("ACK ")
               && !text.startsWith("CANCEL ") && text.contains("branch=z9hG4bK");
    }

    private void send(byte[] bytes, boolean fromA, long receivedAt) {
        AtomicLong last = lastSent[fromA ? 0 : 1];
        if (last.getAndAccumulate(receivedAt, Math::max) > receivedAt) {
            reordered.incrementAndGet();
        }
        DatagramSocket out = fromA ? facingB : facingA;
        try {
            out.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, fromA ? realB : realA));
            forwarded.incrementAndGet();
        } catch (IOException closed) {
            // the relay is closing
        }
    }

    /** Rewrites the addresses of the header lines (see the class comment); the body is left as it is. */
    private String rewrite(String text, boolean fromA) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        Matcher matcher = ADDRESS.matcher(head);
        StringBuilder rewritten = new StringBuilder();
        while (matcher.find()) {
            int port = Integer.parseInt(matcher.group(1));
            int mapped = fromA ? (port == realA ? portForB() : port == portForA() ? realB : port)
                    : (port == realB ? portForA() : port == portForB() ? realA : port);
            matcher.appendReplacement(rewritten, "127.0.0.1:" + mapped);
        }
        matcher.appendTail(rewritten);
        return end < 0 ? rewritten.toString() : rewritten + text.substring(end);
    }

    @Override
    public void close() {
        facingA.close();
        facingB.close();
        delays.shutdownNow();
        for (Thread reader : readers) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
