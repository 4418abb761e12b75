package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.ByeCodes;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.protocol.DeliveryOutcome;
import dev.camelmsnftp.protocol.MsnftpException;
import dev.camelmsnftp.protocol.MsnftpReceiver;
import dev.camelmsnftp.protocol.MsnftpResult;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.transfer.TransferException.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file we receive (SPEC 3.1): the INVITE was accepted by policy; answer ACCEPT, listen (flows B and C) or connect
 * to the sender's address (flow A), run the MSNFTP receiver into a temporary file of the work directory, and hand the
 * complete file to the handler. A failure deletes the partial file and delivers nothing. Runs on a transfer thread.
 */
final class InboundTransfer {

    private static final Logger LOG = LoggerFactory.getLogger(InboundTransfer.class);
    /** How much longer than the SIP request time-out we wait for our ACCEPT's answer (queueing in the dialog). */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

    private final TransferManager manager;
    private final IncomingMessage invite;
    private final Invitation offer;
    private final InboundHandler handler;
    private final Offer accepted;
    private final String key;
    private final TransferSettings settings;
    private final boolean encrypted;
    /** Both sides want acknowledge=afterRoute: the sender is told whether the handler delivered the file. */
    private final boolean reportDelivery;
    /** The file is the handler's: it must neither be deleted nor reported as a failed transfer. */
    private volatile boolean handedOver;
    /** The complete file is being delivered to a sender that waits for the outcome: no CANCEL any more. */
    private volatile boolean delivering;
    private final long cookie;
    private final SipAddress sender;
    private final Transfer view;
    private final TransferControl control = new TransferControl();
    /** The connection waits of the transfer thread. */
    private Connections connections;
    /** Where the sender's SIP requests came from: the addresses its MSNFTP connection may have. */
    private final Set<InetAddress> peerAddresses = ConcurrentHashMap.newKeySet();
    /** The sender took another instance's ACCEPT (or no longer offers the file): we end without a word. */
    private volatile boolean notTaken;
    /** Where the transfer is, for a cancellation from another thread. */
    private volatile Phase phase = Phase.SIGNALLING;

    InboundTransfer(TransferManager manager, IncomingMessage invite, Invitation offer, InboundHandler handler,
                    Offer accepted, String key, Transfer view) {
        this.key = key;
        this.manager = manager;
        this.view = view;
        this.invite = invite;
        this.offer = offer;
        this.handler = handler;
        this.accepted = accepted;
        this.settings = handler.settings();
        this.encrypted = accepted.encrypted();
        this.reportDelivery = settings.acknowledge() == Acknowledgement.AFTER_ROUTE && offer.senderAwaitsDelivery();
        this.cookie = offer.cookie();
        this.sender = invite.from();
        this.peerAddresses.addAll(invite.peerAddresses());
    }

    void run() {
        if (control.peerCancelCode() != null) {
            // the sender cancelled after the offer got its slot but before it ran: nothing more goes to it (SPEC 3)
            view.failed(cancelled());
            TransferManager.notReceived(handler, accepted);
            return;
        }
        if (control.cancelledHere() || manager.isClosed()) {
            refuse(CancelCode.OUTBANDCANCEL, null);
            return;
        }
        String name = offer.fileName().orElseThrow();
        long size = offer.fileSize().orElseThrow();
        Flow flow = accepted.flow();
        Path temporary = null;
        DiskSpace.Reservation room;
        try {
            room = manager.space().reserve(settings.workDir(), settings.freeSpaceReserve(), size);
        } catch (DiskSpace.NoRoomException e) {
            refuse(CancelCode.REJECT, e.getMessage());
            return;
        }
        view.accepted(flow, encrypted ? Dialect.MSN_SECURE_FTP : Dialect.MSNFTP);
        try (room; Connections waits = control.waitingOn(new Connections())) {
            connections = waits;
            temporary = temporaryFile();
            Path path = temporary;
            TransferKeys keys = encrypted ? TransferKeys.random() : null;
            MsnftpResult result;
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                LOG.debug("Receiving {} ({} bytes) from {} in flow {}, cookie {}{}", name, size, sender, flow, cookie,
                        reportDelivery ? ", the sender waits for the delivery" : "");
                SocketChannel channel = flow.receiverListens() ? listen(keys) : connect(keys);
                phase = Phase.TRANSFER;
                DeliveryOutcome outcome = reportDelivery ? () -> deliverHeld(out, path, keys != null) : null;
                result = receiver(keys, out, size, room, outcome, flow.receiverListens()).run(channel);
            }
            if (reportDelivery) {
                LOG.debug("Told {} that file {} was {}", sender, name, result.delivered() ? "delivered" : "not delivered");
            } else {
                handOver(received(temporary, keys != null));
            }
        } catch (TransferException e) {
            if (notTaken) {
                // routine when several instances share one address: declined by the sender's SIP answer before a byte
                // moved, not a failure of ours; nothing to report to the handler
                LOG.debug("File {} from {} (cookie {}) not received here: {}", name, sender, cookie, e.getMessage());
                view.rejected(e);
            } else if (!afterHandOver(e)) {
                fail(e);
            }
        } catch (MsnftpException e) {
            if (!afterHandOver(e)) {
                TransferException failure = Failures.of(e, cookie, sender.toString(), control.peerCancelCode(),
                        control.peerCancelValue());
                if (!Failures.peerKnows(e, control.peerCancelCode())) {
                    cancelQuietly(CancelCode.FTTIMEOUT);
                }
                fail(failure);
            }
        } catch (CancellationException e) {
            if (!afterHandOver(e)) {
                fail(cancelled());
            }
        } catch (IOException e) {
            if (!afterHandOver(e)) {
                cancelQuietly(CancelCode.FAIL);
                fail(new TransferFailedException("Cannot receive: " + e.getMessage(), cookie, sender.toString(), phase, -1,
                        e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!afterHandOver(e)) {
                cancelQuietly(CancelCode.OUTBANDCANCEL);
                fail(cancelled());
            }
        } catch (RuntimeException e) {
            if (!afterHandOver(e)) {
                cancelQuietly(CancelCode.FAIL);
                fail(new TransferFailedException("Unexpected failure: " + e, cookie, sender.toString(), Phase.TRANSFER, -1,
                        e));
            }
        } finally {
            if (!handedOver) {
                TransferManager.notReceived(handler, accepted);
            }
            if (!handedOver && temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    LOG.warn("Cannot delete partial file {}: {}", temporary, e.getMessage());
                }
            }
        }
    }

    /** The complete file, for the handler. */
    private ReceivedFile received(Path temporary, boolean secure) {
        String name = offer.fileName().orElseThrow();
        long size = offer.fileSize().orElseThrow();
        LOG.debug("Received {} ({} bytes, {}) from {} in flow {}, cookie {}", name, size, secure ? "encrypted" : "plain",
                sender, accepted.flow(), cookie);
        return new ReceivedFile(temporary, cookie, sender, name, accepted.fileName(), size, ByeCodes.SUCCESS, secure,
                accepted.flow());
    }

    /**
     * The sender waits for the delivery (acknowledge=afterRoute on both sides): every byte is in (and the MAC checked),
     * the connection is held, the handler delivers the file now, and its outcome is what the sender is told.
     */
    private long deliverHeld(FileChannel out, Path temporary, boolean secure) {
        delivering = true;
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("Cannot complete the received file {}: {}", temporary, e.getMessage());
            return ByeCodes.NOT_DELIVERED;
        }
        return handOver(received(temporary, secure)) ? ByeCodes.SUCCESS : ByeCodes.NOT_DELIVERED;
    }

    /**
     * Hands the file to the handler, which owns it from now on, and ends the transfer's view: with acknowledge=afterRoute
     * once the handler's route has ended (completed when it delivered the file, failed when not), since that is when the
     * file counts as delivered; with afterReceive at once, before the route. Returns whether the file was delivered.
     */
    private boolean handOver(ReceivedFile file) {
        boolean afterRoute = settings.acknowledge() == Acknowledgement.AFTER_ROUTE;
        view.received();
        if (!afterRoute) {
            view.completed();
        }
        handedOver = true;
        Exception notDelivered = deliver(file);
        if (afterRoute) {
            if (notDelivered == null) {
                view.completed();
            } else {
                view.failed(new TransferFailedException("Received but not delivered" + (reportDelivery
                        ? " (the sender is told)" : " (the sender does not wait for the outcome and counts it as sent)")
                                                        + ": " + notDelivered.getMessage(), cookie, sender.toString(),
                        Phase.TRANSFER, reportDelivery ? ByeCodes.NOT_DELIVERED : -1, notDelivered));
            }
        }
        return notDelivered == null;
    }

    /**
     * Whether the file was already handed to the handler when {@code e} ended the session: then it is the handler's,
     * the transfer did not fail for it, and only telling the sender the outcome did not work.
     */
    private boolean afterHandOver(Exception e) {
        if (handedOver) {
            LOG.warn("Could not tell {} whether file {} was delivered: {}", sender, offer.fileName().orElse("?"),
                    e.getMessage());
        }
        return handedOver;
    }

    /** Runs the handler on the file; returns why it was not delivered, or null when it was. */
    private Exception deliver(ReceivedFile file) {
        try {
            handler.onFile(file);
            return null;
        } catch (Exception e) {
            LOG.info("Received file {} from {} was not delivered{}: {}", file.offeredName(), sender,
                    reportDelivery ? " (the sender is told)" : " (the sender already counts it as sent)", e.getMessage());
            LOG.debug("Why file {} from {} was not delivered", file.offeredName(), sender, e);
            return e;
        }
    }

    private void fail(TransferException failure) {
        view.failed(failure);
        try {
            handler.onFailure(failure);
        } catch (RuntimeException e) {
            LOG.warn("Failure handler failed", e);
        }
    }

    /** A temporary file in the work directory, or the failure that declines the transfer (CANCEL FAIL). */
    private Path temporaryFile() throws TransferException {
        try {
            return Files.createTempFile(WorkDirectory.prepare(settings.workDir()), "msnftp-" + cookie + "-", ".part");
        } catch (IOException e) {
            cancelQuietly(CancelCode.FAIL);
            throw new TransferFailedException("Cannot write the received file in " + settings.workDir() + ": "
                                              + e.getMessage(), cookie, sender.toString(), Phase.CONNECTION, -1, e);
        }
    }

    /**
     * Flows B and C: listen, send the listening ACCEPT (Sender-Connect: TRUE), take one connection, stop listening. The
     * sender connects as soon as it has our ACCEPT, so the connection is taken while the SIP answer to the ACCEPT is
     * still on its way (see {@link Answer}).
     */
    private SocketChannel listen(TransferKeys keys) throws TransferException, InterruptedException {
        try (Listening listener = listening()) {
            long authCookie = Cookies.next();
            Invitation.Builder accept = Invitation.listeningAccept(cookie, listener.advertised(), listener.port(), authCookie)
                    .senderConnect();
            if (reportDelivery) {
                accept.deliveryAck(Invitation.DELIVERY_ACK_AFTER_ROUTE);
            }
            if (keys != null) {
                accept.keys(keys);
            }
            Answer answer = answer(accept.build());
            this.authCookie = authCookie;
            phase = Phase.CONNECTION;
            try {
                return connections.acceptFrom(listener.channel(), deadline(),
                        from -> settings.ftpPeerAddresses().allows(from, peerAddresses), cookie);
            } catch (CancellationException e) {
                answer.throwIfFailed();
                throw e;
            } catch (IOException e) {
                answer.throwIfFailed();
                cancelQuietly(CancelCode.FTTIMEOUT);
                throw Failures.ofConnection(e, cookie, sender.toString(),
                        "The sender did not connect to port " + listener.port());
            }
        }
    }

    private Listening listening() throws TransferException {
        try {
            return Listening.open(settings, manager.agent());
        } catch (IOException e) {
            cancelQuietly(CancelCode.FAIL);
            throw Failures.cannotListen(settings, e, cookie, sender.toString());
        }
    }

    /** Flow A: plain ACCEPT, then wait for the sender's ACCEPT with its address and connect to it. */
    private SocketChannel connect(TransferKeys keys) throws TransferException, InterruptedException {
        Invitation.Builder accept = Invitation.accept(cookie);
        if (reportDelivery) {
            accept.deliveryAck(Invitation.DELIVERY_ACK_AFTER_ROUTE);
        }
        if (keys != null) {
            accept.keys(keys);
        }
        Answer answer = answer(accept.build());
        phase = Phase.CONNECTION;
        Invitation address;
        try {
            address = control.next().get(settings.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.throwIfFailed();
            // as in flows B and C, where the same sender would not have connected: no connection within the time-out
            cancelQuietly(CancelCode.FTTIMEOUT);
            throw new TransferTimeoutException("The sender did not send its address (so no connection came) within "
                                               + settings.acceptTimeout(), cookie, sender.toString(), Phase.CONNECTION, e);
        } catch (ExecutionException | CancellationException e) {
            answer.throwIfFailed();
            throw cancelled();
        }
        if (address.command() == InvitationCommand.CANCEL) {
            throw cancelled();
        }
        // forked to every instance of our address: act on it only once the sender took our ACCEPT, not another's
        answer.await();
        if (!address.offersToListen()) {
            cancelQuietly(CancelCode.FAIL);
            throw new TransferProtocolException("The sender's ACCEPT has no address, port and AuthCookie", cookie,
                    sender.toString(), Phase.CONNECTION, null);
        }
        authCookie = address.authCookie().getAsLong();
        List<InetSocketAddress> candidates;
        try {
            candidates = Addresses.candidates(address);
        } catch (Addresses.NotAnAddress e) {
            cancelQuietly(CancelCode.FAIL);
            throw new TransferProtocolException("The sender's ACCEPT is unusable: " + e.getMessage(), cookie,
                    sender.toString(), Phase.CONNECTION, null);
        }
        try {
            List<InetSocketAddress> targets = Addresses.allowed(candidates, settings.ftpPeerAddresses(), peerAddresses);
            if (targets.isEmpty()) {
                cancelQuietly(CancelCode.REJECT);
                throw Failures.refusedTarget(address, settings, peerAddresses, cookie, sender.toString());
            }
            return connections.connect(targets, deadline());
        } catch (CancellationException e) {
            throw e;
        } catch (IOException e) {
            cancelQuietly(CancelCode.FTTIMEOUT);
            throw Failures.ofConnection(e, cookie, sender.toString(), "Cannot connect to the sender at "
                                                                        + address.ipAddress().orElse("?") + ":"
                                                                        + address.port().orElse(0));
        }
    }

    private long authCookie;

    private MsnftpReceiver receiver(TransferKeys keys, FileChannel out, long size, DiskSpace.Reservation room,
                                    DeliveryOutcome outcome, boolean weListened) {
        MsnftpReceiver built = MsnftpReceiver.builder().localUser(settings.localUser().addressOfRecord())
                .authCookie(authCookie).keys(keys).sink(out, size).progress((written, total) -> {
                    room.written(written);
                    view.progress(written, total);
                })
                .outcome(outcome)
                .timeout(settings.transferTimeout()).minRate(settings.minTransferRate())
                .byeTimeout(settings.transferTimeout())
                .peerClosesFirst(weListened ? Listening.PEER_CLOSE_WAIT : null).build();
        return control.running(built);
    }

    /**
     * Sends our ACCEPT back the way the INVITE came. The transfer goes on at once (the sender acts on the ACCEPT before
     * its SIP answer reaches us); should the ACCEPT not get through, the waits for the sender's connection or address
     * end, and {@link Answer#throwIfFailed()} says why.
     */
    private Answer answer(Invitation accept) {
        return new Answer(manager.reply(invite, accept));
    }

    /**
     * Our ACCEPT on its way. An out-of-dialog 481 says the sender did not take it: another instance of our address
     * answered first (the proxy forked the invitation to each), or the sender no longer offers the file; we drop the
     * offer without a word. The SIP agent gives up on a request after its request time-out and ends the SIP transaction
     * then (no retransmission can deliver it later), so an ACCEPT without an answer by that time-out and a little more,
     * whatever acceptTimeout is, counts as not delivered; one still queued behind another request of the same IM session
     * is then given up (never sent). When the ACCEPT does not get through, the sender is told with CANCEL TIMEOUT rather
     * than left waiting its whole acceptTimeout for an answer. Once the sender connected, the answer no longer matters:
     * the MSNFTP session proves it took the ACCEPT.
     */
    private final class Answer {
        private final CompletableFuture<?> reply;
        private final Duration limit = manager.agent().config().requestTimeout().plus(ANSWER_MARGIN);
        private volatile boolean timedOut;

        Answer(CompletableFuture<?> reply) {
            this.reply = reply;
            Future<?> giveUp = manager.later(() -> {
                timedOut = true;
                reply.cancel(false);
            }, limit);
            reply.whenComplete((response, error) -> {
                if (giveUp != null) {
                    giveUp.cancel(false);
                }
                if (error != null) {
                    // ends the wait for the sender's connection (flows B, C) or address (flow A); nothing after it
                    connections.cancel();
                    control.next().cancel(false);
                }
            });
        }

        /** Waits until the ACCEPT got through, or throws why it did not. */
        void await() throws TransferException, InterruptedException {
            try {
                reply.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | CancellationException e) {
                // told below
            } catch (TimeoutException e) {
                timedOut = true;
                reply.cancel(false);
            }
            throwIfFailed();
        }

        /** Throws why the ACCEPT did not get through, if it did not; returns when it did or is still on its way. */
        void throwIfFailed() throws TransferException {
            Throwable cause;
            try {
                reply.getNow(null);
                return;
            } catch (CancellationException e) {
                cause = timedOut ? new TimeoutException("No answer") : e;
            } catch (CompletionException e) {
                cause = e.getCause();
            }
            if (TransferManager.notHeldBySender(invite, cause)) {
                notTaken = true;
                throw new TransferCancelledException("The sender did not take our ACCEPT (SIP 481): another instance of "
                                                     + settings.localUser().addressOfRecord() + " answered first, or the "
                                                     + "offer is over", cookie, sender.toString(), Phase.SIGNALLING, true,
                        -1, cause);
            }
            if (cause instanceof CancellationException && !timedOut) {
                return;
            }
            cancelQuietly(CancelCode.TIMEOUT);
            if (cause instanceof TimeoutException
                || cause instanceof SipAgentException sip && sip.kind() == SipAgentException.Kind.TIMEOUT) {
                throw new TransferTimeoutException("The sender did not answer our ACCEPT within "
                                                   + manager.agent().config().requestTimeout() + " (sent CANCEL TIMEOUT)",
                        cookie, sender.toString(), Phase.SIGNALLING, cause);
            }
            throw new TransferConnectionLostException("Cannot send ACCEPT to the sender (sent CANCEL TIMEOUT): "
                                                      + cause.getMessage(), cookie, sender.toString(), Phase.SIGNALLING,
                    cause);
        }
    }

    private long deadline() {
        return System.nanoTime() + settings.acceptTimeout().toNanos();
    }

    /** The sender's ACCEPT with its address (flow A), or its CANCEL at any time. */
    void onSenderMessage(List<InetAddress> from, Invitation invitation) {
        peerAddresses.addAll(from);
        if (invitation.command() == InvitationCommand.CANCEL) {
            LOG.info("{} cancelled the transfer of cookie {} ({})", sender, cookie,
                    invitation.cancelCode().map(CancelCode::value).orElse("(none)"));
        }
        control.fromPeer(invitation);
    }

    InboundHandler handler() {
        return handler;
    }

    /** The offer as the handler accepted it. */
    Offer offer() {
        return accepted;
    }

    /** Its key in the manager: sender and cookie. */
    String key() {
        return key;
    }

    /**
     * The timer that ends this offer's wait for a transfer slot; {@code null} cancels it (the offer got a slot).
     */
    void expiry(java.util.concurrent.Future<?> timer) {
        java.util.concurrent.Future<?> previous = expiry;
        expiry = timer;
        if (timer == null && previous != null) {
            previous.cancel(false);
        }
    }

    private volatile java.util.concurrent.Future<?> expiry;

    /**
     * Declines an offer that never ran (it waited for a slot in vain, or no thread could run it): CANCEL to the sender,
     * and the handler is told it will not arrive.
     */
    void refuse(CancelCode code, String why) {
        if (why != null) {
            LOG.warn("File {} from {} declined: {}", accepted.offeredName(), sender, why);
        }
        cancelQuietly(code);
        view.rejected(new TransferRejectedException("Declined: CANCEL " + code.value() + (why == null ? "" : " (" + why + ")"),
                cookie, sender.toString(), Phase.ANSWER, code.value(), 0, null));
        TransferManager.notReceived(handler, accepted);
    }

    /** The sender cancelled while the offer waited for a transfer slot. */
    void withdrawn(Invitation cancel) {
        control.fromPeer(cancel);
        String code = cancel.cancelCode().map(CancelCode::value).orElse("(none)");
        view.failed(new TransferCancelledException("The sender cancelled (CANCEL " + code + ") while the offer waited for"
                                                   + " a transfer slot", cookie, sender.toString(), Phase.ANSWER, true, -1,
                cancel.cancelCode().map(CancelCode::value).orElse(null), null));
        TransferManager.notReceived(handler, accepted);
    }

    /**
     * Cancelled on our side while the offer waited for a transfer slot: CANCEL OUTBANDCANCEL, and it never runs; it ends
     * as a transfer cancelled while running does (failed, cancelled, reported to the handler).
     */
    void cancelledWhileWaiting() {
        cancelQuietly(CancelCode.OUTBANDCANCEL);
        control.cancelHere();
        fail(new TransferCancelledException("Cancelled on our side while the offer waited for a transfer slot",
                cookie, sender.toString(), Phase.ANSWER, false, -1, null));
        TransferManager.notReceived(handler, accepted);
    }

    /** The transfer as listeners and the dev console see it. */
    Transfer view() {
        return view;
    }

    /** Cancels from another thread (the consumer or the context stops): CCL or CANCEL to the sender. */
    void cancel() {
        // as the sending side does, and as MSN clients did when their user cancelled: CANCEL OUTBANDCANCEL over SIP,
        // and CCL on the connection when there is one; but not once the complete file is being delivered to a sender
        // that waits for the outcome (acknowledge=afterRoute): that outcome is still what it is told
        // nor once the session has settled (our success BYE is out): the sender counts the file as delivered, and the
        // receiver goes on to the MAC and the delivery
        if (!delivering && !control.sessionSettled()) {
            cancelQuietly(CancelCode.OUTBANDCANCEL);
        }
        control.cancelHere();
    }

    private TransferCancelledException cancelled() {
        return control.cancellation("sender", cookie, sender.toString(), phase);
    }

    private void cancelQuietly(CancelCode code) {
        if (control.claimCancel()) {
            manager.reply(invite, Invitation.cancel(cookie, code).build());
        }
    }
}
