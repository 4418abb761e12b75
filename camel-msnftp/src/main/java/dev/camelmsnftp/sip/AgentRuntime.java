package dev.camelmsnftp.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.ClientTransaction;
import javax.sip.SipProvider;

import dev.camelmsnftp.sip.SipAgentException.Kind;
import gov.nist.javax.sip.clientauthutils.AccountManager;
import gov.nist.javax.sip.stack.SIPClientTransaction;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;

/**
 * What the parts of one agent share: its settings, stack and message builder, its timer and listener executor, its
 * digest credentials, the requests waiting for their final response, the CSeq of out-of-dialog requests, and whether
 * it runs. Futures complete on the executor, never on the JAIN-SIP thread that received the answer.
 */
final class AgentRuntime {

    /** How many listener tasks may wait for a thread of the agent's own pool before messages are answered 503. */
    static final int QUEUE_LIMIT = 10_000;
    /**
     * The least time between two runs of the deadline check: requests that time out one after the other are timed out
     * in batches, so the check's walk over the waiting requests runs at most 20 times a second, not once per request.
     */
    static final long CHECK_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SipAgentConfig config;
    private final SharedStack stack;
    private final SipMessages messages;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor ownExecutor;
    private final Executor executor;
    private final AuthenticationHelper authentication;
    private final Set<Outgoing> pending = ConcurrentHashMap.newKeySet();
    /** How many requests are in {@link #pending}, bounded by {@code maxPendingRequests}. */
    private final AtomicInteger pendingCount = new AtomicInteger();
    /** The one task that looks for requests past their deadline, and when it runs; null when none is armed. */
    private ScheduledFuture<?> deadlineCheck;
    private long deadlineCheckAt;
    /** When the deadline check last ran ({@link System#nanoTime()}), and how often it ran. */
    private long lastDeadlineCheck = System.nanoTime() - CHECK_SPACING_NANOS;
    private long deadlineChecks;
    private final AtomicLong cseq = new AtomicLong(1);
    private volatile boolean running = true;

    AgentRuntime(SipAgentConfig config, SharedStack stack, String advertisedHost) {
        this.config = config;
        this.stack = stack;
        this.messages = new SipMessages(config, advertisedHost, stack.port());
        String name = config.localUser().user();
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("msnftp-sip-timer-" + name));
        timer.setRemoveOnCancelPolicy(true);
        if (config.listenerExecutor().isPresent()) {
            this.ownExecutor = null;
            this.executor = config.listenerExecutor().get();
        } else {
            this.ownExecutor = new ThreadPoolExecutor(config.listenerThreads(), config.listenerThreads(), 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(QUEUE_LIMIT), daemon("msnftp-sip-" + name));
            ownExecutor.allowCoreThreadTimeOut(true);
            this.executor = ownExecutor;
        }
        this.authentication = config.password().isPresent()
                ? stack.stack().getAuthenticationHelper(new Credentials(config), SipMessages.HEADERS) : null;
    }

    /** The JAIN-SIP properties of the agent's stack: its limits, then the raw ones of the configuration. */
    static Map<String, String> stackProperties(SipAgentConfig config) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(config.maxConnections()));
        properties.put("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", Integer.toString(config.maxServerTransactions()));
        properties.putAll(config.stackProperties());
        return properties;
    }

    /** How the agent's stack makes its sockets. */
    static SipNetworkLayer.Settings networkSettings(SipAgentConfig config) {
        return new SipNetworkLayer.Settings(config.maxConnections(), config.connectionIdleTimeout(),
                config.tls().map(TlsSettings::context).orElse(null),
                config.tls().map(TlsSettings::verifyHostname).orElse(true));
    }

    /** The host peers reach us at: the configured one, the bind address, or the local address toward the proxy. */
    static String advertisedHost(SipAgentConfig config) {
        if (config.advertisedHost().isPresent()) {
            return config.advertisedHost().get();
        }
        try {
            InetAddress bind = InetAddress.getByName(config.sipHost());
            if (!bind.isAnyLocalAddress()) {
                return bind.getHostAddress();
            }
            Optional<HostPort> toward = config.outboundProxy().or(config::registrar);
            if (toward.isPresent()) {
                try (DatagramSocket probe = new DatagramSocket()) {
                    probe.connect(new InetSocketAddress(toward.get().host(), toward.get().port()));
                    if (!probe.getLocalAddress().isAnyLocalAddress()) {
                        return probe.getLocalAddress().getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return config.sipHost();
        }
    }

    SipAgentConfig config() {
        return config;
    }

    SharedStack stack() {
        return stack;
    }

    SipProvider provider() {
        return stack.provider();
    }

    SipMessages messages() {
        return messages;
    }

    AuthenticationHelper authenticationHelper() {
        return authentication;
    }

    boolean isRunning() {
        return running;
    }

    /** Marks the agent stopped; false when it already was. */
    synchronized boolean stop() {
        if (!running) {
            return false;
        }
        running = false;
        return true;
    }

    /** The CSeq of the next request we send out of dialog. */
    long nextCseq() {
        return cseq.getAndIncrement();
    }

    /** Runs a task on the agent's executor; throws when it is full or shut down. */
    void execute(Runnable task) throws RejectedExecutionException {
        executor.execute(task);
    }

    /** Runs a task on the agent's executor, or here when the executor refuses it. */
    void executeOrRun(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Drops a terminated client transaction from the stack's table now; JAIN-SIP would do it on the transaction's next
     * timer tick, which lags far behind under load (one timer thread ticks every transaction every 500 ms). The tick
     * still comes, finds it terminated and ends the timer. Its messages JAIN-SIP lets go of itself when it terminates
     * (reentrant listener, {@code RELEASE_REFERENCES_STRATEGY=Normal}); doing that here as well raced JAIN-SIP's own
     * clean-up on the thread that received the answer.
     */
    void forget(ClientTransaction transaction) {
        if (transaction instanceof SIPClientTransaction terminated) {
            stack.stack().removeTransaction(terminated);
        }
    }

    /** Requests sent and not yet finished. */
    int pendingRequests() {
        return pending.size();
    }

    /** Runs a task on the agent's timer after {@code delay}; null once the agent stopped. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** Runs a task on the agent's timer every {@code period} until cancelled; null once the agent stopped. */
    ScheduledFuture<?> scheduleRepeatedly(Runnable task, Duration period) {
        try {
            return timer.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /**
     * Tracks a request until it finishes, and makes sure a check runs by its deadline; false, and nothing tracked, when
     * {@code maxPendingRequests} requests already wait. One check is armed at a time, at the earliest deadline, instead
     * of a timer task per request: with the same time-out for every request, a new request's deadline is never earlier
     * than the armed check, so sending one costs no timer task and no wake-up of the timer thread (a task per request
     * put itself at the head of the timer's queue and woke it, once per MESSAGE).
     */
    boolean track(Outgoing outgoing) {
        if (pendingCount.incrementAndGet() > config.maxPendingRequests()) {
            pendingCount.decrementAndGet();
            return false;
        }
        pending.add(outgoing);
        armDeadlineCheck(outgoing.deadline());
        return true;
    }

    void untrack(Outgoing outgoing) {
        if (pending.remove(outgoing)) {
            pendingCount.decrementAndGet();
        }
    }

    /** Arms the check for {@code deadline}, or for {@link #CHECK_SPACING_NANOS} after the last check if that is later. */
    private synchronized void armDeadlineCheck(long deadline) {
        long at = deadline - (lastDeadlineCheck + CHECK_SPACING_NANOS) < 0 ? lastDeadlineCheck + CHECK_SPACING_NANOS
                : deadline;
        if (deadlineCheck != null) {
            if (deadlineCheckAt - at <= 0) {
                return;
            }
            deadlineCheck.cancel(false);
        }
        deadlineCheckAt = at;
        deadlineCheck = schedule(this::checkDeadlines, Duration.ofNanos(Math.max(0, at - System.nanoTime())));
    }

    /** Times out every request past its deadline, then arms the next check at the earliest deadline left, if any. */
    private void checkDeadlines() {
        long now = System.nanoTime();
        synchronized (this) {
            deadlineCheck = null;
            lastDeadlineCheck = now;
            deadlineChecks++;
        }
        long earliest = 0;
        boolean waiting = false;
        for (Outgoing outgoing : pending) {
            long deadline = outgoing.deadline();
            if (deadline - now <= 0) {
                outgoing.timedOut();
            } else if (!waiting || deadline - earliest < 0) {
                earliest = deadline;
                waiting = true;
            }
        }
        if (waiting) {
            armDeadlineCheck(earliest);
        }
    }

    /** How many times the deadline check has run. */
    synchronized long deadlineChecks() {
        return deadlineChecks;
    }

    /** The tasks waiting on the agent's timer (request deadlines, session idle checks, registration). */
    int scheduledTasks() {
        return timer.getQueue().size();
    }

    /** Fails what still waits for an answer and ends the timer and the agent's own threads (bounded wait). */
    void shutdown() {
        for (Outgoing outgoing : List.copyOf(pending)) {
            outgoing.fail(new SipAgentException(Kind.STOPPED, "The SIP agent stopped"));
        }
        timer.shutdownNow();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            try {
                if (!ownExecutor.awaitTermination(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    ownExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    static SipAgentException unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof SipAgentException sip) {
            return sip;
        }
        if (cause instanceof TimeoutException) {
            return new SipAgentException(Kind.TIMEOUT, 0, "Timed out", cause);
        }
        return new SipAgentException(Kind.TRANSPORT, 0, String.valueOf(cause.getMessage()), cause);
    }

    static CompletableFuture<SipResponse> stopped() {
        return CompletableFuture.failedFuture(new SipAgentException(Kind.STOPPED, "The SIP agent is stopped"));
    }

    static CompletableFuture<SipResponse> failed(Kind kind, String message, Throwable cause) {
        return CompletableFuture.failedFuture(new SipAgentException(kind, 0, message, cause));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Digest credentials for every realm that challenges us. */
    private record Credentials(SipAgentConfig config) implements AccountManager {
        @Override
        public UserCredentials getCredentials(ClientTransaction challenged, String realm) {
            return new UserCredentials() {
                @Override
                public String getUserName() {
                    return config.authUsername();
                }

                @Override
                public String getPassword() {
                    return config.password().orElse("");
                }

                @Override
                public String getSipDomain() {
                    return realm;
                }
            };
        }
    }
}
