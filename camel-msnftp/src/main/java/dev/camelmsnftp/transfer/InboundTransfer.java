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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.Dialect;
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
    private final TransferSettings settings;
    private final boolean encrypted;
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
                    boolean encrypted, Transfer view) {
        this.manager = manager;
        this.view = view;
        this.invite = invite;
        this.offer = offer;
        this.handler = handler;
        this.settings = handler.settings();
        this.encrypted = encrypted;
        this.cookie = offer.cookie();
        this.sender = invite.from();
        this.peerAddresses.addAll(invite.peerAddresses());
    }

    void run() {
        String name = offer.fileName().orElseThrow();
        long size = offer.fileSize().orElseThrow();
        Flow flow = offer.inviterCannotListen() ? Flow.B : settings.alwaysListen() ? Flow.C : Flow.A;
        view.accepted(flow, encrypted ? Dialect.MSN_SECURE_FTP : Dialect.MSNFTP);
        Path temporary = null;
        boolean handedOver = false;
        try (Connections waits = control.waitingOn(new Connections())) {
            connections = waits;
            temporary = temporaryFile();
            TransferKeys keys = encrypted ? TransferKeys.random() : null;
            MsnftpResult result;
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                LOG.debug("Receiving {} ({} bytes) from {} in flow {}, cookie {}", name, size, sender, flow, cookie);
                SocketChannel channel = flow.receiverListens() ? listen(keys) : connect(keys);
                phase = Phase.TRANSFER;
                result = receiver(keys, out, size).run(channel);
            }
            ReceivedFile file = new ReceivedFile(temporary, cookie, sender, name, SafeFileNames.toSafeName(name), size,
                    result.byeCode(), result.encrypted(), flow);
            view.completed();
            handedOver = true;
            deliver(file);
        } catch (TransferException e) {
            if (notTaken) {
                // routine when several instances share one address: declined by the sender's SIP answer before a byte
                // moved, not a failure of ours; nothing to report to the handler
                LOG.debug("File {} from {} (cookie {}) not received here: {}", name, sender, cookie, e.getMessage());
                view.rejected(e);
            } else {
                fail(e);
            }
        } catch (MsnftpException e) {
            TransferException failure = Failures.of(e, cookie, sender.toString(), control.peerCancelCode());
            if (!Failures.peerKnows(e, control.peerCancelCode())) {
                cancelQuietly(CancelCode.FTTIMEOUT);
            }
            fail(failure);
        } catch (CancellationException e) {
            fail(cancelled());
        } catch (IOException e) {
            cancelQuietly(CancelCode.FAIL);
            fail(new TransferFailedException("Cannot receive: " + e.getMessage(), cookie, sender.toString(), phase, -1, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelQuietly(CancelCode.OUTBANDCANCEL);
            fail(cancelled());
        } catch (RuntimeException e) {
            cancelQuietly(CancelCode.FAIL);
            fail(new TransferFailedException("Unexpected failure: " + e, cookie, sender.toString(), Phase.TRANSFER, -1, e));
        } finally {
            if (!handedOver && temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    LOG.warn("Cannot delete partial file {}: {}", temporary, e.getMessage());
                }
            }
        }
    }

    private void deliver(ReceivedFile file) {
        try {
            handler.onFile(file);
        } catch (Exception e) {
            LOG.warn("Handling received file {} from {} failed: {}", file.offeredName(), sender, e.getMessage(), e);
            file.delete();
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

    /** Flows B and C: listen, send the listening ACCEPT (Sender-Connect: TRUE), take one connection, stop listening. */
    private SocketChannel listen(TransferKeys keys) throws TransferException, InterruptedException {
        try (Listening listener = listening()) {
            long authCookie = Cookies.next();
            Invitation.Builder accept = Invitation.listeningAccept(cookie, listener.advertised(), listener.port(), authCookie)
                    .senderConnect();
            if (keys != null) {
                accept.keys(keys);
            }
            answer(accept.build());
            this.authCookie = authCookie;
            phase = Phase.CONNECTION;
            try {
                return connections.acceptFrom(listener.channel(), deadline(),
                        from -> settings.ftpPeerAddresses().allows(from, peerAddresses), cookie);
            } catch (CancellationException e) {
                throw e;
            } catch (IOException e) {
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
        if (keys != null) {
            accept.keys(keys);
        }
        answer(accept.build());
        phase = Phase.CONNECTION;
        Invitation address;
        try {
            address = control.next().get(settings.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // as in flows B and C, where the same sender would not have connected: no connection within the time-out
            cancelQuietly(CancelCode.FTTIMEOUT);
            throw new TransferTimeoutException("The sender did not send its address (so no connection came) within "
                                               + settings.acceptTimeout(), cookie, sender.toString(), Phase.CONNECTION, e);
        } catch (ExecutionException | CancellationException e) {
            throw cancelled();
        }
        if (address.command() == InvitationCommand.CANCEL) {
            throw cancelled();
        }
        if (!address.offersToListen()) {
            cancelQuietly(CancelCode.FAIL);
            throw new TransferProtocolException("The sender's ACCEPT has no address, port and AuthCookie", cookie,
                    sender.toString(), Phase.CONNECTION, null);
        }
        authCookie = address.authCookie().getAsLong();
        try {
            List<InetSocketAddress> targets = Addresses.allowed(Addresses.candidates(address), settings.ftpPeerAddresses(),
                    peerAddresses);
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

    private MsnftpReceiver receiver(TransferKeys keys, FileChannel out, long size) {
        MsnftpReceiver built = MsnftpReceiver.builder().localUser(settings.localUser().addressOfRecord())
                .authCookie(authCookie).keys(keys).sink(out, size).progress(view::progress)
                .timeout(settings.transferTimeout()).minRate(settings.minTransferRate())
                .byeTimeout(settings.transferTimeout()).build();
        return control.running(built);
    }

    /**
     * Sends our ACCEPT back the way the INVITE came and waits for its SIP answer: nothing more happens before the sender
     * took it. An out-of-dialog 481 says it did not: another instance of our address answered first (the proxy forked
     * the invitation to each), or the sender no longer offers the file; we drop the offer without a word. The SIP agent
     * gives up on a request after its request time-out and ends the SIP transaction then (no retransmission can deliver
     * it later), so the wait is that time-out and a little more, whatever acceptTimeout is; an ACCEPT still queued behind
     * another request of the same IM session then is given up (never sent). When the ACCEPT does not get through, the
     * sender is told with CANCEL TIMEOUT rather than left waiting its whole acceptTimeout for an answer.
     */
    private void answer(Invitation accept) throws TransferException, InterruptedException {
        long limit = manager.agent().config().requestTimeout().plus(ANSWER_MARGIN).toMillis();
        CompletableFuture<?> reply = TransferManager.reply(invite, accept);
        try {
            reply.get(limit, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            if (e instanceof ExecutionException && TransferManager.notHeldBySender(invite, e)) {
                notTaken = true;
                throw new TransferCancelledException("The sender did not take our ACCEPT (SIP 481): another instance of "
                                                     + settings.localUser().addressOfRecord() + " answered first, or the "
                                                     + "offer is over", cookie, sender.toString(), Phase.SIGNALLING, true,
                        -1, e.getCause());
            }
            // still waiting its turn in the IM session (behind another request nobody answers): never sent now
            reply.cancel(false);
            cancelQuietly(CancelCode.TIMEOUT);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
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

    /** Cancels from another thread (the consumer or the context stops). */
    void cancel() {
        // as the sending side does, and as MSN clients did when their user cancelled: CANCEL OUTBANDCANCEL over SIP,
        // and CCL on the connection when there is one
        cancelQuietly(CancelCode.OUTBANDCANCEL);
        control.cancelHere();
    }

    private TransferCancelledException cancelled() {
        return control.cancellation("sender", cookie, sender.toString(), phase);
    }

    private void cancelQuietly(CancelCode code) {
        if (control.claimCancel()) {
            TransferManager.reply(invite, Invitation.cancel(cookie, code).build());
        }
    }
}
