package dev.camelmsnftp.protocol;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelmsnftp.protocol.MsnftpException.Kind;
import dev.camelmsnftp.protocol.MsnftpException.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second thread for one encrypted transfer, so that the MAC and the cipher run at once (SPEC 4.2: the MAC covers the
 * plain bytes, independent of the RC4 stream). The sender's worker reads the file and MACs it while the session's
 * thread encrypts and sends; the receiver's worker MACs and writes what the session's thread received and decrypted.
 * A fixed set of buffers circulates between the two threads: the session's thread gives items to the worker
 * ({@link #give}) and takes back what it processed ({@link #take}), in order.
 * <p>
 * Bounds: the workers come from one pool of at most {@link #MAX_THREADS} threads for the whole JVM, created on demand
 * and ended after {@link #IDLE} without work; when all are busy {@link #start} returns null and the transfer runs on
 * one thread. {@link #close} ends the worker's part on every path and waits for it, so that no transfer leaves work
 * running behind it.
 */
final class Pipeline<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** Files smaller than this are sent and received on one thread: the hand-overs would cost more than they save. */
    static final long MIN_SIZE = 1 << 20;
    /** Items in circulation: enough that neither thread waits for the other while both keep up. */
    static final int DEPTH = 4;
    /** Worker threads for the whole JVM: one per core, at least two; more would only take turns on the cores. */
    static final int MAX_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** A worker without work for this long ends. */
    static final long IDLE_SECONDS = 2;
    private static final long POLL_MILLIS = 20;
    /** How long {@link #close} waits for a worker in the middle of a read or write of the file. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, MAX_THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new Daemons());
    private static final AtomicLong STARTED = new AtomicLong();
    /** Workers inside a transfer's part now; counted by the part itself, so it is exact when {@link #close} returns. */
    private static final AtomicInteger WORKING = new AtomicInteger();

    /** What the worker does with one item; false when it has done its last. */
    @FunctionalInterface
    interface Stage<T> {
        boolean process(T item) throws MsnftpException;
    }

    /** Throws when the session's thread must stop waiting (its session was cancelled). */
    @FunctionalInterface
    interface Check {
        void check() throws MsnftpException;
    }

    private final BlockingQueue<T> toWorker;
    private final BlockingQueue<T> fromWorker;
    private final int items;
    private final Stage<T> stage;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile boolean done;
    private volatile MsnftpException failure;

    private Pipeline(List<T> forWorker, List<T> forCaller, Stage<T> stage) {
        this.items = forWorker.size() + forCaller.size();
        this.toWorker = new ArrayBlockingQueue<>(items, false, forWorker);
        this.fromWorker = new ArrayBlockingQueue<>(items, false, forCaller);
        this.stage = stage;
    }

    /**
     * Starts a worker that takes items given to it, processes them with {@code stage} and hands them back; null when
     * every worker thread is busy.
     *
     * @param forWorker items the worker starts with (the sender's empty chunks)
     * @param forCaller items the session's thread starts with (the receiver's empty buffers)
     */
    static <T> Pipeline<T> start(List<T> forWorker, List<T> forCaller, Stage<T> stage) {
        Pipeline<T> pipeline = new Pipeline<>(forWorker, forCaller, stage);
        try {
            POOL.execute(pipeline::work);
            STARTED.incrementAndGet();
            return pipeline;
        } catch (RejectedExecutionException busy) {
            LOG.debug("All {} crypto threads busy: this transfer runs on one thread", MAX_THREADS);
            return null;
        }
    }

    /** Pipelines started so far, for tests. */
    static long started() {
        return STARTED.get();
    }

    /** Worker threads that exist now (busy or idle), for tests and monitoring. */
    static int threads() {
        return POOL.getPoolSize();
    }

    /**
     * Worker threads working for a transfer now. Counted by the work itself rather than read from the pool, whose own
     * count drops only a moment after the work has ended and {@link #close} has returned.
     */
    static int busyThreads() {
        return WORKING.get();
    }

    private void work() {
        WORKING.incrementAndGet();
        try {
            while (!stopped) {
                T item = toWorker.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                boolean more = stage.process(item);
                fromWorker.add(item);
                if (!more) {
                    done = true;
                    break;
                }
            }
        } catch (MsnftpException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new MsnftpException(Kind.CANCELLED, Phase.DATA, "Interrupted");
        } catch (RuntimeException | Error e) {
            failure = new MsnftpException(Kind.LOCAL_IO, Phase.DATA, "The crypto thread failed: " + e, e);
        } finally {
            WORKING.decrementAndGet();
            ended.countDown();
        }
    }

    /** The next item the worker processed, in order; waits for it. */
    T take(Check check) throws MsnftpException {
        while (true) {
            check.check();
            rethrow();
            T item;
            try {
                item = fromWorker.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MsnftpException(Kind.CANCELLED, Phase.DATA, "Interrupted");
            }
            if (item != null) {
                return item;
            }
            if (done && fromWorker.isEmpty()) {
                throw new IllegalStateException("The worker has finished: nothing more will come");
            }
        }
    }

    /** Gives the worker an item to process; never waits (there are never more items than room). */
    void give(T item) {
        toWorker.add(item);
    }

    /**
     * Waits until the worker has processed everything it was given; the caller must have given back every item it
     * held. Afterwards the worker holds nothing and everything it did happened before this returns.
     */
    void drain(Check check) throws MsnftpException {
        for (int taken = 0; taken < items; taken++) {
            take(check);
        }
    }

    private void rethrow() throws MsnftpException {
        MsnftpException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    /** Ends the worker's part (it stops before its next item) and waits until its thread is free again. */
    @Override
    public void close() {
        stopped = true;
        try {
            if (!ended.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("A crypto thread is still busy {} s after its transfer ended", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Daemons implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "msnftp-crypto-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
