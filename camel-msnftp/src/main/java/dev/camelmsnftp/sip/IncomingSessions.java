package dev.camelmsnftp.sip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import javax.sip.Dialog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IM sessions peers opened with an agent: the dialogs of the INVITEs it answered 200. Bounded: at most
 * {@link SipAgentConfig#maxIncomingSessions()} at once (a further INVITE is refused), and each is ended with BYE once
 * no request went either way in it for {@link SipAgentConfig#incomingSessionIdleTimeout()}.
 */
final class IncomingSessions {

    private static final Logger LOG = LoggerFactory.getLogger(IncomingSessions.class);
    private static final Duration LONGEST_SWEEP = Duration.ofSeconds(15);
    private static final Duration SHORTEST_SWEEP = Duration.ofMillis(50);

    private final AgentRuntime runtime;
    private final RequestSender requests;
    private final int max;
    private final long idleNanos;
    private final Map<Dialog, Session> sessions = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweeper;

    /** One incoming session: when it was last used, and whether we closed it. */
    static final class Session {
        private volatile long lastUse = System.nanoTime();
        private volatile boolean closed;

        boolean isClosed() {
            return closed;
        }
    }

    IncomingSessions(AgentRuntime runtime, RequestSender requests) {
        this.runtime = runtime;
        this.requests = requests;
        this.max = runtime.config().maxIncomingSessions();
        this.idleNanos = runtime.config().incomingSessionIdleTimeout().toNanos();
    }

    /**
     * Takes a session a peer opens, unless {@code max} are open already; the caller answers the INVITE 200 when this
     * returns true, and refuses it otherwise.
     */
    synchronized boolean admit(Dialog dialog) {
        if (sessions.containsKey(dialog)) {
            return true;
        }
        if (sessions.size() >= max) {
            LOG.debug("{} incoming IM sessions open already; refusing one from {}", max, dialog.getRemoteParty());
            return false;
        }
        Session session = new Session();
        sessions.put(dialog, session);
        dialog.setApplicationData(session);
        if (sweeper == null) {
            sweeper = runtime.scheduleRepeatedly(this::closeIdle, sweepPeriod());
        }
        return true;
    }

    private Duration sweepPeriod() {
        Duration quarter = runtime.config().incomingSessionIdleTimeout().dividedBy(4);
        return quarter.compareTo(LONGEST_SWEEP) > 0 ? LONGEST_SWEEP
                : quarter.compareTo(SHORTEST_SWEEP) < 0 ? SHORTEST_SWEEP : quarter;
    }

    /** A request went one way or the other in the dialog: the session is in use. */
    void touch(Dialog dialog) {
        Session session = sessions.get(dialog);
        if (session != null) {
            session.lastUse = System.nanoTime();
        }
    }

    /** Ends the sessions nobody used for the idle time-out (BYE). Runs on the agent's timer. */
    private void closeIdle() {
        long now = System.nanoTime();
        for (Map.Entry<Dialog, Session> entry : List.copyOf(sessions.entrySet())) {
            if (now - entry.getValue().lastUse >= idleNanos && sessions.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().closed = true;
                LOG.debug("Closing the idle incoming IM session with {}", entry.getKey().getRemoteParty());
                requests.bye(entry.getKey());
            }
        }
    }

    /** The peer ended the session (BYE) or its dialog terminated: not ours to BYE any more. */
    void forget(Dialog dialog) {
        Session session = sessions.remove(dialog);
        if (session != null) {
            session.closed = true;
        }
    }

    /** Ends every session (BYE); the futures complete when each is answered. */
    List<CompletableFuture<SipResponse>> closeAll() {
        List<CompletableFuture<SipResponse>> byes = new ArrayList<>();
        for (Dialog dialog : List.copyOf(sessions.keySet())) {
            Session session = sessions.remove(dialog);
            if (session != null) {
                session.closed = true;
                byes.add(requests.bye(dialog));
            }
        }
        return byes;
    }

    /** Sessions still open. */
    int open() {
        return sessions.size();
    }
}
