package dev.camelmsnftp.sip;

import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP user agent for one local user on JAIN-SIP: sends MESSAGEs in IM sessions or as pager requests, receives them
 * from either, answers OPTIONS, and keeps itself registered. Start with {@link #start(SipAgentConfig)}, stop with
 * {@link #close()}. Thread-safe.
 * <p>
 * Listeners run on the agent's executor, except for messages a listener calls {@link MessageListener#quick quick},
 * which are handled on the JAIN-SIP thread that received them; otherwise JAIN-SIP's threads only route and send
 * answers that must not wait. Futures complete on the executor.
 * <p>
 * This class puts together the parts that do the work: {@link Registration}, {@link OutgoingSessions} and
 * {@link RequestSender} for what we send, {@link InboundDispatcher} and {@link IncomingSessions} for what we receive,
 * all sharing one {@link AgentRuntime}.
 */
public final class SipAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipAgent.class);

    /** The key of {@link #receivedRequests()} that counts requests of methods SIP does not define. */
    public static final String OTHER_METHODS = "OTHER";

    private final AgentRuntime runtime;
    private final Registration registration;
    private final RequestSender requests;
    private final OutgoingSessions outgoing;
    private final IncomingSessions incoming;
    private final InboundDispatcher inbound;

    /** The agent's runtime; for tests of this package. */
    AgentRuntime runtime() {
        return runtime;
    }

    private SipAgent(AgentRuntime runtime) {
        this.runtime = runtime;
        this.requests = new RequestSender(runtime);
        this.outgoing = new OutgoingSessions(runtime, requests);
        this.incoming = new IncomingSessions(runtime, requests);
        this.inbound = new InboundDispatcher(runtime, requests, outgoing, incoming);
        this.registration = runtime.config().registrar().map(registrar -> new Registration(runtime, registrar)).orElse(null);
    }

    /**
     * Starts an agent: takes (or creates) the stack of its listening point and, with a registrar, registers and waits
     * for the answer.
     *
     * @throws SipAgentException when it cannot listen, or the registration fails
     */
    public static SipAgent start(SipAgentConfig config) throws SipAgentException {
        SharedStack stack = SharedStack.acquire(config.sipHost(), config.sipPort(), config.transport(),
                AgentRuntime.stackProperties(config), AgentRuntime.networkSettings(config));
        AgentRuntime runtime = null;
        SipAgent agent = null;
        try {
            runtime = new AgentRuntime(config, stack, AgentRuntime.advertisedHost(config));
            agent = new SipAgent(runtime);
            stack.attach(config.localUser().user(), agent.inbound);
        } catch (SipAgentException | RuntimeException e) {
            // the stack may live on for other agents: leave nothing of this one on it (its registration's listener
            // of closed connections would keep the agent, and start its timer thread, for as long as the stack lives)
            if (agent != null && agent.registration != null) {
                agent.registration.abandon();
            }
            if (runtime != null) {
                runtime.stop();
                runtime.shutdown();
            }
            stack.release(config.localUser().user(), null);
            throw e;
        }
        if (agent.registration != null) {
            try {
                agent.registration.register().get(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                agent.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw SipDiagnosis.registration(config, AgentRuntime.unwrap(e));
            }
        }
        LOG.info("SIP agent {} listening on {}:{}/{}", config.localUser(), agent.advertisedHost(), agent.localPort(),
                config.transport().wireName());
        return agent;
    }

    public SipAgentConfig config() {
        return runtime.config();
    }

    /** The port the agent listens on (the chosen one when configured with 0). */
    public int localPort() {
        return runtime.stack().port();
    }

    /** The host peers reach us at: written in Via, Contact and SDP. */
    public String advertisedHost() {
        return runtime.messages().host();
    }

    /** Our Contact URI. */
    public String contactUri() {
        try {
            return runtime.messages().contactUri().toString();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        return runtime.isRunning();
    }

    // ---------------------------------------------------------------- sending

    /** Sends a MESSAGE to {@code target} in the configured mode. */
    public CompletableFuture<SipResponse> sendMessage(String target, String contentType, byte[] body) {
        return sendMessage(target, contentType, body, runtime.config().mode());
    }

    /**
     * Sends a MESSAGE to {@code target} ({@code bob@corp.example}, {@code sip:bob@127.0.0.1:5071}): inside an IM session
     * (opened with INVITE when none is open, reused otherwise) or out of dialog. The future completes with the final
     * 2xx response, or fails with a {@link SipAgentException}.
     *
     * @throws IllegalArgumentException when {@code target} is not a SIP address
     */
    public CompletableFuture<SipResponse> sendMessage(String target, String contentType, byte[] body, SipMode mode) {
        SipAddress peer = SipAddress.parse(target);
        if (!runtime.isRunning()) {
            return AgentRuntime.stopped();
        }
        return mode == SipMode.PAGER ? requests.pager(peer, contentType, body) : outgoing.send(peer, contentType, body);
    }

    /** Ends the IM session we hold with {@code target}, if any (BYE). */
    public CompletableFuture<Void> closeSession(String target) {
        return outgoing.close(SipAddress.parse(target));
    }

    /** Ends every IM session, those we opened and those peers opened with us (BYE); completes when all are answered. */
    public CompletableFuture<Void> closeAllSessions() {
        List<CompletableFuture<SipResponse>> byes = new ArrayList<>(outgoing.closeAll());
        byes.addAll(incoming.closeAll());
        return CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new));
    }

    /** Transactions the agent's stack still holds (server and client), for tests. */
    int stackTransactions() {
        return runtime.stack().stack().getServerTransactionTableSize()
               + runtime.stack().stack().getClientTransactionTableSize();
    }

    /** Requests sent and not yet finished, and dialogs with a request under way, for tests. */
    int pendingRequests() {
        return runtime.pendingRequests() + requests.busyDialogs();
    }

    /** Requests answered over UDP that are remembered for their retransmissions, for tests. */
    int rememberedAnswers() {
        return inbound.rememberedAnswers();
    }

    /** IM sessions we opened that are still open. */
    public int openSessions() {
        return outgoing.open();
    }

    /** IM sessions peers opened with us that are still open. */
    public int incomingSessions() {
        return incoming.open();
    }

    /**
     * How many requests of each method this agent has received: SIP's methods by name, any other under
     * {@link #OTHER_METHODS} (a peer inventing methods cannot grow this map).
     */
    public Map<String, Long> receivedRequests() {
        return inbound.receivedRequests();
    }

    // -------------------------------------------------------------- receiving

    /**
     * Delivers MESSAGEs of {@code mediaType} ({@code text/x-msmsgsinvite}, compared case-insensitively, parameters
     * ignored) to {@code listener}. MESSAGEs of a type with no listener are answered 415.
     */
    public void addMessageListener(String mediaType, MessageListener listener) {
        inbound.addListener(mediaType, listener);
    }

    public void removeMessageListener(String mediaType) {
        inbound.removeListener(mediaType);
    }

    // ----------------------------------------------------------- registration

    /** Where the registration stands ({@link RegistrationState#NOT_CONFIGURED} without a registrar). */
    public RegistrationState registrationState() {
        return registration == null ? RegistrationState.NOT_CONFIGURED : registration.state();
    }

    /**
     * Why the last REGISTER failed, while {@link #registrationState()} is FAILED: what happened and which option to
     * check, with the registrar's answer (or the lack of one) as the cause.
     */
    public Optional<SipAgentException> registrationFailure() {
        return registration == null ? Optional.empty()
                : Optional.ofNullable(registration.failure()).map(failure -> SipDiagnosis.registration(runtime.config(), failure));
    }

    /** Told of every change of {@link #registrationState()}. */
    public void addRegistrationListener(Consumer<RegistrationState> listener) {
        if (registration != null) {
            registration.addListener(listener);
        }
    }

    // -------------------------------------------------------------- lifecycle

    /**
     * Stops the agent: BYE to open IM sessions, unregisters, releases the stack (the last agent on it stops it and
     * frees its port), fails what is still waiting, and ends the agent's threads. Waits at most about two request
     * time-outs.
     */
    @Override
    public void close() {
        if (!runtime.stop()) {
            return;
        }
        awaitQuietly(closeAllSessions(), runtime.config().requestTimeout());
        if (registration != null) {
            registration.unregister();
        }
        runtime.stack().release(runtime.config().localUser().user(), inbound);
        runtime.shutdown();
        LOG.info("SIP agent {} stopped", runtime.config().localUser());
    }

    private static void awaitQuietly(CompletableFuture<?> future, Duration limit) {
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Gave up waiting while stopping: {}", e.getMessage());
        }
    }

    /** The stack this agent listens with, for tests of what JAIN-SIP holds. */
    SharedStack sharedStack() {
        return runtime.stack();
    }

    @Override
    public String toString() {
        return "SipAgent[" + runtime.config().localUser() + " on " + advertisedHost() + ":" + localPort() + "/"
               + runtime.config().transport().wireName() + "]";
    }
}
