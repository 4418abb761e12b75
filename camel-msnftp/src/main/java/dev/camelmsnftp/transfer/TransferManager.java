package dev.camelmsnftp.transfer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.invite.MalformedInvitationException;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.MessageListener;
import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Negotiates file transfers over one {@link SipAgent} (SPEC 3.1): sends INVITEs and runs the sender for each file
 * sent; answers INVITEs through the {@link InboundHandler}s and runs the receiver for each file accepted. Every
 * transfer is keyed by its Invitation-Cookie; many run at once. ACCEPT and CANCEL for unknown cookies are logged and
 * ignored. Knows nothing of Camel.
 */
public final class TransferManager implements AutoCloseable {

    /** The Content-Type of every invitation we send. */
    public static final String CONTENT_TYPE = "text/x-msmsgsinvite; charset=UTF-8";
    static final String MEDIA_TYPE = "text/x-msmsgsinvite";
    private static final Logger LOG = LoggerFactory.getLogger(TransferManager.class);
    /** For what a peer can make us log at will. */
    private final PeerLog peerLog = new PeerLog(LOG);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final SipAgent agent;
    private final Executor executor;
    private final Map<Long, OutboundTransfer> outbound = new ConcurrentHashMap<>();
    private final Map<String, InboundTransfer> inbound = new ConcurrentHashMap<>();
    /** Inbound transfers that ended lately: a late copy of one's INVITE is not a new offer. */
    private final RecentlyEnded recentlyEnded = new RecentlyEnded();
    private final List<InboundHandler> handlers = new CopyOnWriteArrayList<>();
    private final Map<InboundHandler, Slots> slots = new ConcurrentHashMap<>();
    private final DiskSpace space = new DiskSpace();
    private final ScheduledExecutorService timer;
    private final boolean ownTimer;
    private final Map<InboundHandler, WorkDirectoryLock> workDirectories = new ConcurrentHashMap<>();
    private final java.util.Set<WorkDirectoryLock> senderDirectories = ConcurrentHashMap.newKeySet();
    private final List<TransferListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Transfer, Boolean> tracked = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param agent    the SIP agent the invitations travel through; the manager listens for
     *                 {@code text/x-msmsgsinvite} on it
     * @param executor runs received transfers (one task each, for the whole transfer)
     * @param timer    ends the wait of offers queued for a transfer slot ({@code maxQueuedOffers}) and of each received
     *                 file's ACCEPT for its SIP answer; its tasks are mostly cancelled early, so it should drop
     *                 cancelled tasks at once (as Camel's scheduled pools and the manager's own timer do); not shut down
     *                 here
     */
    public TransferManager(SipAgent agent, Executor executor, ScheduledExecutorService timer) {
        this(agent, executor, timer, false);
    }

    /** As {@link #TransferManager(SipAgent, Executor, ScheduledExecutorService)} with a timer thread of its own. */
    public TransferManager(SipAgent agent, Executor executor) {
        this(agent, executor, ownTimer(agent), true);
    }

    /** One thread that forgets a cancelled task at once: a task per received file is cancelled within milliseconds. */
    private static ScheduledExecutorService ownTimer(SipAgent agent) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "MsnftpOfferQueue[" + agent.config().localUser() + "]");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Tasks waiting on the timer, for tests. */
    int scheduledTasks() {
        return timer instanceof ScheduledThreadPoolExecutor pool ? pool.getQueue().size() : -1;
    }

    private TransferManager(SipAgent agent, Executor executor, ScheduledExecutorService timer, boolean ownTimer) {
        this.agent = agent;
        this.executor = executor;
        this.timer = timer;
        this.ownTimer = ownTimer;
        agent.addMessageListener(MEDIA_TYPE, new MessageListener() {
            @Override
            public int onMessage(IncomingMessage message) {
                return TransferManager.this.onMessage(message);
            }

            @Override
            public boolean quick(IncomingMessage message) {
                return TransferManager.quick(message);
            }

            /**
             * While something here receives files (see {@link #receivesNothing}), or while we send one: a peer may
             * answer our offer in an IM session of its own.
             */
            @Override
            public boolean acceptsSessions() {
                return !receivesNothing() || !outbound.isEmpty();
            }
        });
    }

    /**
     * An {@code ACCEPT} is handled on the SIP thread that received it: it only hands the peer's answer to the transfer
     * that waits for it (a map look-up, a short lock, a future completed), and the waiting thread is then woken
     * directly, without going through the agent's executor first. {@code INVITE}s (the handler decides, which may be
     * user code) and {@code CANCEL}s (a withdrawn offer tells the listeners) stay on the executor.
     */
    static boolean quick(IncomingMessage message) {
        return InvitationCodec.commandIs(message.body(), InvitationCommand.ACCEPT);
    }

    public SipAgent agent() {
        return agent;
    }

    /**
     * Whether no inbound handler is registered (a manager that only sends, or whose consumer stopped): its agent then
     * answers offers 480 and, unless it is sending a file, refuses new IM sessions 480, instead of declining (200 and
     * CANCEL REJECT), so that with several instances registered under one address, the one that receives takes every
     * offer.
     */
    boolean receivesNothing() {
        return !closed && handlers.isEmpty();
    }

    /**
     * Starts receiving files for {@code handler}. Takes its work directory for this process first, which deletes the
     * temporary files a killed process left there (see {@link WorkDirectoryLock}).
     *
     * @throws IllegalStateException when another process holds the handler's work directory
     */
    public void addInboundHandler(InboundHandler handler) {
        WorkDirectoryLock directory = WorkDirectoryLock.acquire(handler.settings().workDir());
        WorkDirectoryLock previous = workDirectories.put(handler, directory);
        if (previous != null) {
            previous.close();
        }
        slots.put(handler, new Slots(handler.settings().maxConcurrentTransfers(), handler.settings().maxQueuedOffers()));
        handlers.add(handler);
    }

    /**
     * Stops offering new files to {@code handler} and cancels the transfers under way for it (the sender gets
     * {@code CCL} or a {@code CANCEL}); each ends as a cancellation reported to the handler, and delivers nothing.
     */
    public void removeInboundHandler(InboundHandler handler) {
        handlers.remove(handler);
        // an offer for it admitted before this is in the queue (given up here) or in inbound (cancelled below); one
        // that comes later finds no slots, or closed ones, and is declined
        Slots removed = slots.remove(handler);
        if (removed != null) {
            removed.close().forEach(this::giveUpWaiting);
        }
        inbound.values().stream().filter(transfer -> transfer.handler() == handler).forEach(InboundTransfer::cancel);
        WorkDirectoryLock directory = workDirectories.remove(handler);
        if (directory != null) {
            directory.close();
        }
    }

    /**
     * Takes {@code directory} for a sender of this process (streams of unknown length are spooled there), as
     * {@link #addInboundHandler} does for a receiver: the temporary files a killed process left are deleted. Give it
     * back with {@link #releaseWorkDirectory}; what is still held when the manager closes is released then.
     *
     * @throws IllegalStateException when another process holds the directory
     */
    public WorkDirectoryLock useWorkDirectory(Path directory) {
        WorkDirectoryLock taken = WorkDirectoryLock.acquire(directory);
        senderDirectories.add(taken);
        return taken;
    }

    public void releaseWorkDirectory(WorkDirectoryLock directory) {
        senderDirectories.remove(directory);
        directory.close();
    }

    /** Whether {@code handler} has transfer slots here (it is registered). */
    boolean hasSlots(InboundHandler handler) {
        return slots.containsKey(handler);
    }

    /** Offers waiting for a slot of {@code handler}. */
    int queuedOffers(InboundHandler handler) {
        Slots of = slots.get(handler);
        return of == null ? 0 : of.waiting();
    }

    /** Transfers under way, both directions. */
    public int activeTransfers() {
        return outbound.size() + inbound.size();
    }

    /** Tells {@code listener} of every transfer of this manager, sent and received, from now on. */
    public void addListener(TransferListener listener) {
        listeners.add(listener);
    }

    public void removeListener(TransferListener listener) {
        listeners.remove(listener);
    }

    /** The transfers under way (offered and not ended), both directions, oldest first. */
    public List<Transfer> transfers() {
        return tracked.keySet().stream().sorted(java.util.Comparator.comparing(Transfer::offeredAt)).toList();
    }

    /** Cancels the transfer under way with this Invitation-Cookie (see {@link Transfer#cancel()}). */
    public boolean cancel(long cookie) {
        return tracked.keySet().stream().filter(transfer -> transfer.cookie() == cookie).findFirst()
                .map(Transfer::cancel).orElse(false);
    }

    private void track(Transfer transfer) {
        tracked.put(transfer, Boolean.TRUE);
        transfer.offered();
    }

    private void untrack(Transfer transfer, String peer) {
        if (!transfer.isEnded()) {
            // not built for a transfer that told its outcome (all but a few): an exception per file shows in profiles
            transfer.ended(new TransferFailedException("The transfer ended without an outcome", transfer.cookie(), peer,
                    TransferException.Phase.TRANSFER, -1, null));
        }
        tracked.remove(transfer);
    }

    /**
     * Sends a file to {@code target} and returns once the receiver has all of it (success BYE). Blocks the calling
     * thread for the whole transfer.
     *
     * @throws TransferException    saying why it did not complete (rejected, timed out, cancelled, failed, ...)
     * @throws InterruptedException when the calling thread is interrupted (the transfer is cancelled)
     */
    public TransferResult send(String target, FileSource source, TransferSettings settings)
            throws TransferException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("The transfer manager is closed");
        }
        SipAddress peer = SipAddress.parse(target);
        OutboundTransfer transfer;
        Transfer view;
        do {
            long cookie = Cookies.next();
            view = new Transfer(Transfer.Direction.SEND, cookie, peer, source.name(), source.size(), listeners,
                    settings.listener());
            transfer = new OutboundTransfer(this, cookie, peer, source, settings, view);
        } while (outbound.putIfAbsent(transfer.cookie(), transfer) != null);
        view.canceller(transfer::cancel);
        track(view);
        try {
            TransferResult result = transfer.run();
            view.completed();
            return result;
        } catch (TransferRejectedException e) {
            view.rejected(e);
            throw e;
        } catch (TransferException e) {
            view.failed(e);
            throw e;
        } catch (InterruptedException e) {
            view.failed(new TransferCancelledException("Interrupted", transfer.cookie(), peer.toString(),
                    TransferException.Phase.TRANSFER, false, -1, e));
            throw e;
        } finally {
            outbound.remove(transfer.cookie(), transfer);
            untrack(view, peer.toString());
            signalActivity();
        }
    }

    // ---------------------------------------------------------------- SIP in

    /**
     * Runs on the SIP agent's executor, an ACCEPT on the SIP thread that received it ({@link #quick}): decides quickly,
     * never waits for a transfer.
     */
    private int onMessage(IncomingMessage message) {
        Invitation invitation;
        try {
            invitation = InvitationCodec.parse(message.body());
        } catch (MalformedInvitationException e) {
            peerLog.warn("Malformed invitation from {}: {}", message.from(), e.getMessage());
            return e.reason().unreadable() ? 415 : 400;
        }
        return switch (invitation.command()) {
            case INVITE -> onInvite(message, invitation);
            case ACCEPT, CANCEL -> onAnswer(message, invitation);
        };
    }

    private int onAnswer(IncomingMessage message, Invitation invitation) {
        OutboundTransfer sending = outbound.get(invitation.cookie());
        if (sending != null && sending.peer().user().equalsIgnoreCase(message.from().user())) {
            if (sending.onAnswer(message, invitation)) {
                return 200;
            }
            LOG.debug("{} for cookie {} from {} at {} not taken: another instance of {} answered first",
                    invitation.command(), invitation.cookie(), message.from(), message.contact().orElse("?"),
                    message.from());
            return notHeldHere(message);
        }
        InboundTransfer receiving = inbound.get(key(message.from(), invitation.cookie()));
        if (receiving != null) {
            if (invitation.command() == InvitationCommand.CANCEL && withdraw(receiving)) {
                LOG.info("{} withdrew file {} (cookie {}) while it waited for a transfer slot",
                        message.from(), receiving.offer().offeredName(), invitation.cookie());
                inbound.remove(receiving.key(), receiving);
                receiving.withdrawn(invitation);
                tracked.remove(receiving.view());
                signalActivity();
                return 200;
            }
            receiving.onSenderMessage(message.peerAddresses(), invitation);
            return 200;
        }
        if (message.inDialog()) {
            peerLog.info("{} from {} for unknown Invitation-Cookie {} ignored", invitation.command(), message.from(),
                    invitation.cookie());
        } else {
            // routine where several instances share one address: the proxy forks every answer to each of them
            LOG.debug("{} from {} for Invitation-Cookie {} not held here: answered {}", invitation.command(),
                    message.from(), invitation.cookie(), NOT_HELD);
        }
        return notHeldHere(message);
    }

    /**
     * The SIP answer to an ACCEPT or CANCEL for an invitation this instance does not hold, or whose answer it took from
     * another instance of the same address: 481 out of dialog, so that a proxy that forks it to several instances of one
     * address tries the next one (serial forking) or relays the one instance's 200 (parallel), and a receiver whose
     * ACCEPT was not taken learns it at once. Inside an IM session 200: a 481 there would end the session (RFC 3261
     * 12.2.1.2), and only the instance the session leads to sees it anyway.
     */
    static int notHeldHere(IncomingMessage message) {
        return message.inDialog() ? 200 : NOT_HELD;
    }

    /** Whether a reply failed because the sender holds no such invitation (any more), or took another's answer. */
    static boolean notHeldBySender(IncomingMessage message, Throwable error) {
        Throwable cause = error instanceof CompletionException || error instanceof ExecutionException ? error.getCause()
                : error;
        return !message.inDialog() && cause instanceof SipAgentException sip
               && sip.status().orElse(0) == NOT_HELD;
    }

    /** SIP 481 Call/Transaction Does Not Exist: the answer to an ACCEPT or CANCEL for an invitation not held here. */
    static final int NOT_HELD = 481;

    private int onInvite(IncomingMessage message, Invitation invite) {
        SipAddress sender = message.from();
        if (!invite.isFileTransfer()) {
            peerLog.info("INVITE from {} for application {} declined: only File Transfer is supported", sender,
                    invite.applicationGuid().orElse("(none)"));
            return decline(message, invite, CancelCode.REJECT_NOT_INSTALLED);
        }
        if (invite.fileName().isEmpty() || invite.fileSize().isEmpty()) {
            peerLog.warn("File Transfer INVITE from {} without Application-File or Application-FileSize", sender);
            return 400;
        }
        String key = key(sender, invite.cookie());
        if (inbound.containsKey(key)) {
            return 200;
        }
        if (recentlyEnded.contains(key)) {
            LOG.debug("INVITE from {} for cookie {} again after its transfer ended: a late copy, ignored", sender,
                    invite.cookie());
            return 200;
        }
        String name = invite.fileName().get();
        Optional<InboundHandler> chosen = handlerFor(sender);
        if (receivesNothing()) {
            // not a decline (no CANCEL): another instance of ours registered under this address may receive it, and a
            // forking proxy takes its 200 over this 480; without one the sender learns the peer is unavailable now
            peerLog.info("File {} from {} not taken: nothing receives files here (answered 480)", name, sender);
            return 480;
        }
        if (closed || chosen.isEmpty()) {
            peerLog.info("File {} from {} declined: not an allowed sender (nobody here receives files from it)", name,
                    sender);
            return decline(message, invite, CancelCode.REJECT, closed ? null : soleHandler(),
                    "not an allowed sender");
        }
        InboundHandler handler = chosen.get();
        TransferSettings settings = handler.settings();
        long size = invite.fileSize().getAsLong();
        if (settings.maxFileSize() > 0 && size > settings.maxFileSize()) {
            peerLog.info("File {} from {} declined: {} bytes is over maxFileSize {}", name, sender, size,
                    settings.maxFileSize());
            return decline(message, invite, CancelCode.REJECT, handler, size + " bytes is over maxFileSize "
                                                                         + settings.maxFileSize());
        }
        Optional<String> noRoom = space.check(settings.workDir(), settings.freeSpaceReserve(), size);
        if (noRoom.isPresent()) {
            peerLog.info("File {} from {} declined: {}", name, sender, noRoom.get());
            return decline(message, invite, CancelCode.REJECT, handler, noRoom.get());
        }
        Optional<Boolean> encrypted = Encryption.receiverChoice(invite, settings.encryption());
        if (encrypted.isEmpty()) {
            peerLog.warn("File {} from {} declined: the sender {} and encryption={}", name, sender,
                    invite.encryptionRequired() ? "requires the encrypted variant" : "does not offer the encrypted variant",
                    settings.encryption().name().toLowerCase(Locale.ROOT));
            return decline(message, invite, CancelCode.REJECT, handler, "no encryption setting in common");
        }
        Flow flow = invite.inviterCannotListen() ? Flow.B : settings.alwaysListen() ? Flow.C : Flow.A;
        Offer offer = new Offer(invite.cookie(), sender, name, SafeFileNames.toSafeName(name), size, encrypted.get(), flow);
        OfferDecision decision;
        try {
            decision = handler.decide(offer);
        } catch (RuntimeException e) {
            LOG.warn("Deciding on file {} from {} failed; declined", name, sender, e);
            decision = OfferDecision.decline(CancelCode.FAIL, "the receiver could not decide: " + e);
        }
        if (!decision.accepted()) {
            peerLog.info("File {} from {} declined: {}", name, sender, decision.reason());
            return decline(message, invite, decision.cancelCode().orElseThrow(), handler, decision.reason());
        }
        Transfer view = new Transfer(Transfer.Direction.RECEIVE, invite.cookie(), sender, name, size, listeners,
                settings.listener());
        InboundTransfer transfer = new InboundTransfer(this, message, invite, handler, offer, key, view);
        if (inbound.putIfAbsent(key, transfer) != null) {
            notReceived(handler, offer);
            return 200;
        }
        // the handler may have been removed since it was chosen: then there are no slots (or closed ones) to admit to
        Slots of = slots.get(handler);
        Slots.Admission admission = of == null ? Slots.Admission.CLOSED : of.admit(transfer);
        if (admission == Slots.Admission.START || admission == Slots.Admission.QUEUED) {
            view.canceller(admission == Slots.Admission.QUEUED ? () -> cancelWaiting(transfer) : transfer::cancel);
            track(view);
        }
        switch (admission) {
            case START -> start(transfer, of);
            case QUEUED -> {
                LOG.debug("File {} from {} waits for a transfer slot ({} waiting)", name, sender, of.waiting());
                try {
                    transfer.expiry(timer.schedule(() -> expire(transfer, of), settings.acceptTimeout().toMillis(),
                            TimeUnit.MILLISECONDS));
                } catch (RejectedExecutionException e) {
                    expire(transfer, of);
                }
            }
            case FULL -> {
                inbound.remove(key, transfer);
                peerLog.warn("File {} from {} declined: {} transfers are under way (maxConcurrentTransfers) and {} offers"
                             + " wait for one (maxQueuedOffers)", name, sender, settings.maxConcurrentTransfers(),
                        settings.maxQueuedOffers());
                notReceived(handler, offer);
                return decline(message, invite, CancelCode.FAIL, handler, "no transfer slot and the queue is full");
            }
            case CLOSED -> {
                inbound.remove(key, transfer);
                peerLog.info("File {} from {} declined: its receiver stopped", name, sender);
                notReceived(handler, offer);
                return decline(message, invite, CancelCode.FAIL, handler, "the receiver stopped");
            }
        }
        return 200;
    }

    /** Runs a transfer that has a slot; when it ends, the offer that waited longest gets the slot. */
    private void start(InboundTransfer first, Slots of) {
        InboundTransfer transfer = first;
        while (transfer != null) {
            InboundTransfer running = transfer;
            try {
                executor.execute(() -> {
                    try {
                        running.run();
                    } finally {
                        ended(running, of);
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                // no thread for it: refuse it and hand its slot on
                inbound.remove(running.key(), running);
                running.refuse(CancelCode.FAIL, "no thread to run it");
                tracked.remove(running.view());
                transfer = of.next();
                if (transfer != null) {
                    transfer.expiry(null);
                }
            }
        }
        signalActivity();
    }

    private void ended(InboundTransfer transfer, Slots of) {
        recentlyEnded.add(transfer.key());
        inbound.remove(transfer.key(), transfer);
        untrack(transfer.view(), transfer.offer().sender().toString());
        signalActivity();
        InboundTransfer next = of.next();
        if (next != null) {
            next.expiry(null);
            start(next, of);
        }
    }

    /** A queued offer that got no slot within acceptTimeout is declined with CANCEL FAIL. */
    private void expire(InboundTransfer transfer, Slots of) {
        if (of.withdraw(transfer)) {
            inbound.remove(transfer.key(), transfer);
            peerLog.warn("File {} from {} declined: no transfer slot freed within acceptTimeout {}",
                    transfer.offer().offeredName(), transfer.offer().sender(), transfer.handler().settings().acceptTimeout());
            transfer.refuse(CancelCode.FAIL, null);
            tracked.remove(transfer.view());
            signalActivity();
        }
    }

    /** Whether {@code transfer} was still waiting for a slot, and is no longer. */
    private boolean withdraw(InboundTransfer transfer) {
        Slots of = slots.get(transfer.handler());
        return of != null && of.withdraw(transfer);
    }

    /**
     * Cancels on our side ({@link Transfer#cancel()}, JMX) an offer that was queued for a slot: while it still waits it
     * leaves the queue at once (its place goes to the next offer) and ends as cancelled, the sender told with CANCEL
     * OUTBANDCANCEL; one that got its slot in the meantime is cancelled as any running transfer.
     */
    private void cancelWaiting(InboundTransfer transfer) {
        if (!withdraw(transfer)) {
            transfer.cancel();
            return;
        }
        transfer.expiry(null);
        inbound.remove(transfer.key(), transfer);
        recentlyEnded.add(transfer.key());
        transfer.cancelledWhileWaiting();
        tracked.remove(transfer.view());
        signalActivity();
    }

    /** The consumer or the manager stops while an offer waits: the sender is told, the handler too. */
    private void giveUpWaiting(InboundTransfer transfer) {
        inbound.remove(transfer.key(), transfer);
        transfer.refuse(CancelCode.OUTBANDCANCEL, null);
        tracked.remove(transfer.view());
        signalActivity();
    }

    /** The handler naming the sender most specifically: its address, then its domain, then anyone. */
    private Optional<InboundHandler> handlerFor(SipAddress sender) {
        InboundHandler best = null;
        PeerFilter.Match bestMatch = PeerFilter.Match.NONE;
        for (InboundHandler handler : handlers) {
            PeerFilter.Match match = handler.peers().match(sender);
            if (match.compareTo(bestMatch) > 0) {
                best = handler;
                bestMatch = match;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The receiver an offer that no receiver takes is counted for: the only one there is (its endpoint's counters and
     * metrics then include the senders it refused), or none when there are several.
     */
    private InboundHandler soleHandler() {
        List<InboundHandler> all = List.copyOf(handlers);
        return all.size() == 1 ? all.get(0) : null;
    }

    /** Tells a handler an offer it accepted will not arrive; its failures are only logged. */
    static void notReceived(InboundHandler handler, Offer offer) {
        try {
            handler.onNotReceived(offer);
        } catch (RuntimeException e) {
            LOG.warn("The receiver failed to note that file {} from {} was not received", offer.offeredName(),
                    offer.sender(), e);
        }
    }

    /** Answers an INVITE with CANCEL; the MESSAGE that carried it is still answered 200 (it was understood). */
    private int decline(IncomingMessage message, Invitation invite, CancelCode code) {
        return decline(message, invite, code, null, null);
    }

    /**
     * Declines for {@code handler} (null when none was chosen): the transfer's view ends as rejected, with
     * {@code why}, and its listener and the manager's are told (so health, JMX and metrics count it).
     */
    private int decline(IncomingMessage message, Invitation invite, CancelCode code, InboundHandler handler, String why) {
        reply(message, Invitation.cancel(invite.cookie(), code).build());
        if (invite.isFileTransfer() && invite.fileName().isPresent() && invite.fileSize().isPresent()) {
            Transfer view = new Transfer(Transfer.Direction.RECEIVE, invite.cookie(), message.from(),
                    invite.fileName().get(), invite.fileSize().getAsLong(), listeners,
                    handler == null ? null : handler.settings().listener());
            view.offered();
            view.rejected(new TransferRejectedException("Declined: CANCEL " + code.value() + (why == null ? ""
                    : " (" + why + ")"), invite.cookie(),
                    message.from().toString(), TransferException.Phase.ANSWER, code.value(), 0, null));
        }
        return 200;
    }

    /**
     * Sends an invitation back the way {@code message} came; failures are logged, as the peer's doing, at most
     * {@link PeerLog}'s share at WARN (a peer that refuses or never answers our CANCELs, offer after offer, must not
     * flood the log). Cancelling the returned future gives the request up (see {@link IncomingMessage#reply}).
     */
    java.util.concurrent.CompletableFuture<?> reply(IncomingMessage message, Invitation invitation) {
        java.util.concurrent.CompletableFuture<?> reply = message.reply(CONTENT_TYPE, InvitationCodec.formatBytes(invitation));
        reply.whenComplete((response, error) -> {
            if (error != null && notHeldBySender(message, error)) {
                LOG.debug("{} for cookie {} not taken by {}: another instance of ours answered first, or the offer is over",
                        invitation.command(), invitation.cookie(), message.from());
            } else if (error != null && !reply.isCancelled()) {
                peerLog.warn("Could not send {} for cookie {} to {}: {}", invitation.command(), invitation.cookie(),
                        message.from(), error.getMessage());
            }
        });
        return reply;
    }

    static String key(SipAddress sender, long cookie) {
        return sender.user().toLowerCase(Locale.ROOT) + "|" + cookie;
    }

    static byte[] body(Invitation invitation) {
        return InvitationCodec.format(invitation).getBytes(StandardCharsets.UTF_8);
    }

    // -------------------------------------------------------------- lifecycle

    /**
     * Stops: declines new INVITEs, cancels every transfer under way (CCL or an abort block to the peer, CANCEL where
     * no connection exists yet), and waits a bounded time for them to end.
     */
    @Override
    public void close() {
        closed = true;
        agent.removeMessageListener(MEDIA_TYPE);
        slots.values().forEach(of -> of.close().forEach(this::giveUpWaiting));
        outbound.values().forEach(OutboundTransfer::cancel);
        inbound.values().forEach(InboundTransfer::cancel);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        synchronized (this) {
            while (activeTransfers() > 0 && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (activeTransfers() > 0) {
            LOG.warn("{} transfers still running after {}", activeTransfers(), STOP_WAIT);
        }
        workDirectories.values().forEach(WorkDirectoryLock::close);
        workDirectories.clear();
        senderDirectories.forEach(WorkDirectoryLock::close);
        senderDirectories.clear();
        if (ownTimer) {
            timer.shutdownNow();
        }
    }

    /** Runs {@code task} on the manager's timer after {@code delay}; null once the timer stopped. */
    Future<?> later(Runnable task, Duration delay) {
        try {
            return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    /** The work directories' free space, shared by every transfer of this manager. */
    DiskSpace space() {
        return space;
    }

    boolean isClosed() {
        return closed;
    }

    private synchronized void signalActivity() {
        notifyAll();
    }
}
