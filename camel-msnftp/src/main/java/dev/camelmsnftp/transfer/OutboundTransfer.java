package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
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
import dev.camelmsnftp.protocol.MsnftpResult;
import dev.camelmsnftp.protocol.MsnftpSender;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.transfer.TransferException.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file we send (SPEC 3.1, every flow): INVITE, wait for ACCEPT or CANCEL, then connect to the receiver (flows B
 * and C) or answer with our own ACCEPT and take its connection (flow A), and run the MSNFTP sender in the dialect the
 * ACCEPT chose. Runs on the caller's thread; {@link #cancel()} may come from any other.
 */
final class OutboundTransfer {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundTransfer.class);
    /**
     * In flow A anyone may connect to our port; a connection gets this long (or transferTimeout, if shorter) to say
     * VER and USR before we drop it and look at the next, so that a silent one cannot hold the port for long.
     */
    static final Duration AUTHENTICATION_WAIT = Duration.ofSeconds(5);

    private final TransferManager manager;
    private final long cookie;
    private final SipAddress peer;
    private final FileSource source;
    private final TransferSettings settings;
    private final Transfer view;
    private final TransferControl control = new TransferControl();
    /** Where the peer's SIP answers came from: the addresses its MSNFTP connection may have. */
    private final Set<InetAddress> peerAddresses = ConcurrentHashMap.newKeySet();
    /** The connection waits of the transfer thread. */
    private Connections connections;
    /** Whether an answer was taken, and the contact of the instance that sent it (guarded by this). */
    private boolean answered;
    private String answeredBy;
    /** The receiver said it will report whether it delivered the file (SPEC 5, acknowledge=afterRoute). */
    private volatile boolean awaitDelivery;

    OutboundTransfer(TransferManager manager, long cookie, SipAddress peer, FileSource source, TransferSettings settings,
                     Transfer view) {
        this.manager = manager;
        this.view = view;
        this.cookie = cookie;
        this.peer = peer;
        this.source = source;
        this.settings = settings;
    }

    long cookie() {
        return cookie;
    }

    SipAddress peer() {
        return peer;
    }

    TransferResult run() throws TransferException, InterruptedException {
        Invitation.Builder invite = Invitation.invite(cookie, source.name(), source.size());
        if (!settings.connectivity()) {
            invite.connectivityN();
        }
        Encryption.offer(invite, settings.encryption());
        if (settings.acknowledge() == Acknowledgement.AFTER_ROUTE) {
            invite.deliveryAck(Invitation.DELIVERY_ACK_SUPPORTED);
        }
        LOG.debug("Offering {} ({} bytes) to {}, cookie {}", source.name(), source.size(), peer, cookie);
        signal(invite.build());

        Invitation accept = awaitAnswer();
        if (accept.command() == InvitationCommand.CANCEL) {
            String code = accept.cancelCode().map(CancelCode::value).orElse("(none)");
            throw Failures.declined(code, source.name(), cookie, peer);
        }
        var refusal = Encryption.senderRefusal(accept, settings.encryption());
        if (refusal.isPresent()) {
            cancelQuietly(CancelCode.REJECT);
            throw new TransferRejectedException("Not sending: " + refusal.get(), cookie, peer.toString(), Phase.ANSWER,
                    null, 0, null);
        }
        TransferKeys keys = accept.keys().orElse(null);
        awaitDelivery = settings.acknowledge() == Acknowledgement.AFTER_ROUTE && accept.receiverReportsDelivery();
        Flow flow = !accept.offersToListen() ? Flow.A : settings.connectivity() ? Flow.C : Flow.B;
        view.accepted(flow, keys != null ? Dialect.MSN_SECURE_FTP : Dialect.MSNFTP);
        MsnftpResult result = null;
        try (ReadableByteChannel in = openSource(); Connections waits = control.waitingOn(new Connections())) {
            connections = waits;
            result = flow.receiverListens() ? connectAndSend(accept, keys, in) : listenAndSend(keys, in);
        } catch (MsnftpException e) {
            TransferException failure = Failures.of(e, cookie, peer.toString(), control.peerCancelCode(),
                    control.peerCancelValue());
            if (!Failures.peerKnows(e, control.peerCancelCode())) {
                cancelQuietly(CancelCode.FTTIMEOUT);
            }
            throw failure;
        } catch (CancellationException e) {
            throw cancelledException(Phase.CONNECTION);
        } catch (IOException e) {
            if (result == null) {
                cancelQuietly(CancelCode.FAIL);
                throw new TransferFailedException("Cannot read the file to send: " + e.getMessage(), cookie,
                        peer.toString(), Phase.CONNECTION, -1, e);
            }
            // the receiver has the file and said so: only closing the source (or our selector) failed afterwards; that
            // changes nothing for the transfer (failing it would send a CANCEL after the success BYE, and a
            // redelivery would send the file twice)
            LOG.warn("File {} sent to {} (cookie {}), but closing its source afterwards failed: {}", source.name(), peer,
                    cookie, e.toString());
        }
        return new TransferResult(cookie, peer.toString(), source.name(), result.bytes(), result.byeCode(),
                result.encrypted(), flow, result.delivered() ? Acknowledgement.AFTER_ROUTE : Acknowledgement.AFTER_RECEIVE);
    }

    private ReadableByteChannel openSource() throws IOException {
        return source.open();
    }

    /** Sends the INVITE (or another invitation) to the peer and waits for the SIP 2xx. */
    private void signal(Invitation invitation) throws TransferException, InterruptedException {
        SipAgent agent = manager.agent();
        try {
            agent.sendMessage(peer.uri(), TransferManager.CONTENT_TYPE, TransferManager.body(invitation), settings.sipMode())
                    .get(settings.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof SipAgentException sip ? Failures.ofSip(sip, cookie, peer, agent.config())
                    : new TransferConnectionLostException("Cannot send the invitation: " + cause, cookie,
                            peer.toString(), Phase.SIGNALLING, cause);
        } catch (TimeoutException e) {
            throw Failures.noSipAnswer(e, cookie, peer, agent.config(), settings.acceptTimeout());
        }
    }

    private Invitation awaitAnswer() throws TransferException, InterruptedException {
        try {
            return control.next().get(settings.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            control.next().cancel(false);
            cancelQuietly(CancelCode.TIMEOUT);
            throw new TransferTimeoutException("The receiver did not answer the invitation within "
                                               + settings.acceptTimeout() + " (sent CANCEL TIMEOUT)", cookie,
                    peer.toString(), Phase.ANSWER, e);
        } catch (ExecutionException | CancellationException e) {
            throw cancelledException(Phase.ANSWER);
        } catch (InterruptedException e) {
            cancelQuietly(CancelCode.OUTBANDCANCEL);
            throw e;
        }
    }

    /** Flows B and C: the receiver listens; we connect (its internal address in parallel) and send. */
    private MsnftpResult connectAndSend(Invitation accept, TransferKeys keys, ReadableByteChannel in)
            throws TransferException, MsnftpException {
        SocketChannel channel;
        List<InetSocketAddress> candidates;
        try {
            candidates = Addresses.candidates(accept);
        } catch (Addresses.NotAnAddress e) {
            cancelQuietly(CancelCode.FAIL);
            throw new TransferProtocolException("The receiver's ACCEPT is unusable: " + e.getMessage(), cookie,
                    peer.toString(), Phase.CONNECTION, null);
        }
        try {
            List<InetSocketAddress> targets = Addresses.allowed(candidates, settings.ftpPeerAddresses(), peerAddresses);
            if (targets.isEmpty()) {
                cancelQuietly(CancelCode.REJECT);
                throw Failures.refusedTarget(accept, settings, peerAddresses, cookie, peer.toString());
            }
            channel = connections.connect(targets, deadline());
        } catch (CancellationException e) {
            throw cancelledException(Phase.CONNECTION);
        } catch (IOException e) {
            cancelQuietly(CancelCode.FTTIMEOUT);
            throw Failures.ofConnection(e, cookie, peer.toString(), "Cannot connect to the receiver at "
                                                                      + accept.ipAddress().orElse("?") + ":"
                                                                      + accept.port().orElse(0));
        }
        return sender(accept.authCookie().orElse(0), keys, in, settings.transferTimeout(), null).run(channel);
    }

    /**
     * Flow A: we listen, answer with our address and a fresh AuthCookie, and take connections until one presents the
     * right user and AuthCookie (others are closed without a byte of the file) or the accept time-out ends.
     */
    private MsnftpResult listenAndSend(TransferKeys keys, ReadableByteChannel in)
            throws TransferException, MsnftpException, InterruptedException {
        Listening listening;
        try {
            listening = Listening.open(settings, manager.agent());
        } catch (IOException e) {
            cancelQuietly(CancelCode.FAIL);
            throw Failures.cannotListen(settings, e, cookie, peer.toString());
        }
        try (Listening listener = listening) {
            long authCookie = Cookies.next();
            signal(Invitation.listeningAccept(cookie, listener.advertised(), listener.port(), authCookie).build());
            long deadline = deadline();
            while (true) {
                SocketChannel channel;
                try {
                    channel = connections.acceptFrom(listener.channel(), deadline,
                            from -> settings.ftpPeerAddresses().allows(from, peerAddresses), cookie);
                } catch (CancellationException e) {
                    throw cancelledException(Phase.CONNECTION);
                } catch (IOException e) {
                    cancelQuietly(CancelCode.FTTIMEOUT);
                    throw Failures.ofConnection(e, cookie, peer.toString(),
                            "The receiver did not connect to port " + listener.port());
                }
                MsnftpSender sender = sender(authCookie, keys, in, min(settings.transferTimeout(), AUTHENTICATION_WAIT),
                        Listening.PEER_CLOSE_WAIT);
                try {
                    return sender.run(channel);
                } catch (MsnftpException e) {
                    if (sender.authenticated() || e.kind() == MsnftpException.Kind.CANCELLED) {
                        throw e;
                    }
                    // whoever it was never proved to be the receiver and got nothing of the file: wait for the next
                    LOG.warn("Dropped a connection to the transfer of cookie {} before authentication: {}", cookie,
                            e.getMessage());
                }
            }
        }
    }

    /** {@code peerClosesFirst}: when we accepted the connection (see {@link Listening#PEER_CLOSE_WAIT}). */
    private MsnftpSender sender(long authCookie, TransferKeys keys, ReadableByteChannel in, Duration authentication,
                                Duration peerClosesFirst) {
        MsnftpSender.Builder builder = MsnftpSender.builder()
                .peerUser(peer.port().isPresent() ? peer.user() : peer.addressOfRecord())
                .authCookie(authCookie).keys(keys).source(in, source.size())
                .timeout(settings.transferTimeout()).minRate(settings.minTransferRate())
                .authenticationTimeout(authentication)
                .byeTimeout(settings.transferTimeout()).progress(view::progress).peerClosesFirst(peerClosesFirst);
        if (awaitDelivery) {
            builder.awaitOutcome(settings.ackTimeout());
        }
        return control.running(builder.build());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private long deadline() {
        return System.nanoTime() + settings.acceptTimeout().toNanos();
    }

    /**
     * The receiver's ACCEPT or CANCEL, or a CANCEL after it accepted (it stops the transfer). Returns false for an
     * answer that is not taken: when a proxy forked the invitation to several instances of the receiver, the first answer
     * decides, and only that instance's later messages count (told apart by their contact).
     */
    boolean onAnswer(IncomingMessage message, Invitation invitation) {
        String contact = message.contact().orElse(null);
        synchronized (this) {
            if (!answered) {
                if (control.next().isDone()) {
                    return false;
                }
                answered = true;
                answeredBy = contact;
            } else if (answeredBy != null && contact != null && !answeredBy.equalsIgnoreCase(contact)) {
                return false;
            }
        }
        peerAddresses.addAll(message.peerAddresses());
        if (invitation.command() == InvitationCommand.CANCEL && control.next().isDone()) {
            LOG.info("{} cancelled the transfer of cookie {} ({})", peer, cookie,
                    invitation.cancelCode().map(CancelCode::value).orElse("(none)"));
        }
        control.fromPeer(invitation);
        return true;
    }

    /** Cancels from another thread (the route or the context stops). */
    void cancel() {
        cancelQuietly(CancelCode.OUTBANDCANCEL);
        control.cancelHere();
    }

    private TransferCancelledException cancelledException(Phase phase) {
        return control.cancellation("receiver", cookie, peer.toString(), phase);
    }

    /** Tells the peer we give up; best effort, never waits. */
    private void cancelQuietly(CancelCode code) {
        if (!control.claimCancel()) {
            return;
        }
        manager.agent().sendMessage(peer.uri(), TransferManager.CONTENT_TYPE,
                TransferManager.body(Invitation.cancel(cookie, code).build()), settings.sipMode())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        LOG.debug("CANCEL {} for cookie {} to {} failed: {}", code, cookie, peer, error.getMessage());
                    }
                });
    }
}
