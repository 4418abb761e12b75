package dev.camelmsnftp.component;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.transfer.InboundHandler;
import dev.camelmsnftp.transfer.Offer;
import dev.camelmsnftp.transfer.OfferDecision;
import dev.camelmsnftp.transfer.PeerFilter;
import dev.camelmsnftp.transfer.ReceivedFile;
import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferSettings;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.BridgeExceptionHandlerToErrorHandler;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits one exchange per file received from the endpoint's peer (or anyone, for {@code msnftp:*}, or its
 * allowedSenders). The body is the received file ({@link java.io.File}, convertible to InputStream, byte[], String), in
 * the work directory, deleted when the exchange completes, or kept in moveFailed when it failed; with
 * acknowledge=afterRoute the sender is told which. Transfers that fail produce no exchange; they go to the consumer's
 * exception handler.
 */
public class MsnftpConsumer extends DefaultConsumer implements InboundHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpConsumer.class);
    /** How many keys the default in-memory idempotent repository remembers (camel-file's default). */
    static final int DEFAULT_IDEMPOTENT_CACHE_SIZE = 1000;

    private final MsnftpEndpoint endpoint;
    private final PeerFilter peers;
    private final Pattern include;
    private final Pattern exclude;
    private TransferSettings settings;
    private volatile SharedAgent agent;
    private IdempotentOffers idempotent;
    private boolean ownRepository;
    private FailedFiles failedFiles;

    public MsnftpConsumer(MsnftpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        try {
            this.peers = PeerFilter.parse(endpoint.getPeer(), endpoint.getConfiguration().getAllowedSenders());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The msnftp option allowedSenders (or the peer) is invalid: " + e.getMessage(), e);
        }
        this.include = pattern(endpoint.getConfiguration().getInclude(), "include");
        this.exclude = pattern(endpoint.getConfiguration().getExclude(), "exclude");
    }

    /** A file-name pattern as camel-ftp compiles it: case-insensitive, matched against the whole name. */
    private static Pattern pattern(String regex, String option) {
        if (regex == null || regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("The msnftp option " + option + " is not a regular expression: "
                                               + e.getMessage(), e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        settings = endpoint.transferSettings();
        MsnftpConfiguration configuration = endpoint.getConfiguration();
        failedFiles = FailedFiles.of(configuration.getMoveFailed(), settings.workDir());
        if (configuration.isIdempotent()) {
            IdempotentRepository repository = configuration.getIdempotentRepository();
            ownRepository = repository == null;
            if (ownRepository) {
                repository = MemoryIdempotentRepository.memoryIdempotentRepository(DEFAULT_IDEMPOTENT_CACHE_SIZE);
            }
            ServiceHelper.startService(repository);
            String key = configuration.getIdempotentKey() != null ? configuration.getIdempotentKey() : IdempotentOffers.DEFAULT_KEY;
            idempotent = new IdempotentOffers(repository,
                    endpoint.getCamelContext().resolveLanguage("simple").createExpression(key));
        }
        agent = endpoint.acquireAgent(this);
        try {
            // takes the work directory for this process (refused when another process holds it)
            agent.transfers().addInboundHandler(this);
        } catch (RuntimeException e) {
            endpoint.releaseAgent(agent);
            agent = null;
            throw e;
        }
        // health checks are optional (camel-health): report the SIP agent through the route's consumer check
        if (HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "consumers",
                HealthCheckRepository.class) != null) {
            MsnftpHealthCheck check = new MsnftpHealthCheck("msnftp-consumer-" + getRouteId(), () -> agent);
            check.setCamelContext(endpoint.getCamelContext());
            check.setEnabled(endpoint.getComponent().isHealthCheckConsumerEnabled());
            setHealthCheck(check);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (agent != null) {
            agent.transfers().removeInboundHandler(this);
            endpoint.releaseAgent(agent);
            agent = null;
        }
        if (idempotent != null && ownRepository) {
            ServiceHelper.stopService(idempotent.repository());
        }
        idempotent = null;
        super.doStop();
    }

    @Override
    public PeerFilter peers() {
        return peers;
    }

    @Override
    public TransferSettings settings() {
        return settings;
    }

    /** include and exclude, with camel-ftp's semantics, on the offered name reduced to a plain name. */
    @Override
    public OfferDecision decide(Offer offer) {
        String name = offer.fileName();
        if (exclude != null && exclude.matcher(name).matches()) {
            return OfferDecision.decline(CancelCode.REJECT, "the name matches exclude");
        }
        if (include != null && !include.matcher(name).matches()) {
            return OfferDecision.decline(CancelCode.REJECT, "the name does not match include");
        }
        IdempotentOffers seen = idempotent;
        if (seen != null) {
            Exchange probe = endpoint.createExchange();
            setHeaders(probe.getIn(), offer.cookie(), offer.sender(), offer.offeredName(), offer.fileName(), offer.size(),
                    offer.encrypted(), offer.flow().name());
            if (seen.beforeAccept(probe, transfer(offer.sender(), offer.cookie())) == IdempotentOffers.Verdict.DUPLICATE) {
                return OfferDecision.decline(CancelCode.REJECT, "received before (idempotent)");
            }
        }
        return OfferDecision.accept();
    }

    @Override
    public void onNotReceived(Offer offer) {
        IdempotentOffers seen = idempotent;
        if (seen != null) {
            seen.notReceived(transfer(offer.sender(), offer.cookie()));
        }
    }

    private static String transfer(SipAddress sender, long cookie) {
        return sender.addressOfRecord().toLowerCase(Locale.ROOT) + "|" + cookie;
    }

    private static void setHeaders(Message in, long cookie, SipAddress sender, String offeredName, String fileName,
                                   long size, boolean encrypted, String flow) {
        in.setHeader(MsnftpConstants.INVITATION_COOKIE, cookie);
        in.setHeader(MsnftpConstants.FILE_NAME, fileName);
        in.setHeader(Exchange.FILE_NAME_ONLY, fileName);
        in.setHeader(MsnftpConstants.FILE_LENGTH, size);
        in.setHeader(MsnftpConstants.REMOTE_USER, sender.addressOfRecord());
        in.setHeader(MsnftpConstants.ENCRYPTED, encrypted);
        in.setHeader(MsnftpConstants.FLOW, flow);
        in.setHeader(MsnftpConstants.ORIGINAL_FILE_NAME, offeredName);
    }

    @Override
    public void onFile(ReceivedFile file) throws Exception {
        Exchange exchange = createExchange(false);
        Message in = exchange.getIn();
        in.setBody(file.path().toFile());
        setHeaders(in, file.cookie(), file.sender(), file.offeredName(), file.fileName(), file.size(), file.encrypted(),
                file.flow().name());
        in.setHeader(MsnftpConstants.BYE_CODE, file.byeCode());
        // as camel-ftp does with its localWorkDirectory: a file: producer may then move the file instead of copying it
        in.setHeader(Exchange.FILE_LOCAL_WORK_PATH, file.path().toString());
        IdempotentOffers seen = idempotent;
        IdempotentOffers.Received key;
        try {
            key = seen == null ? null : seen.received(exchange, transfer(file.sender(), file.cookie()));
        } catch (RuntimeException e) {
            // no exchange will own the file (the idempotent repository or key failed): keep it, as for a failed exchange
            failedFiles.keep(file, e, getRouteId());
            releaseExchange(exchange, false);
            throw e;
        }
        if (key != null && key.duplicate()) {
            LOG.info("File {} from {} dropped: received before (idempotent key {}); acknowledged as delivered",
                    file.fileName(), file.sender().addressOfRecord(), key.key());
            file.delete();
            releaseExchange(exchange, false);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                if (key != null) {
                    seen.done(key.key(), false);
                }
                file.delete();
            }

            @Override
            public void onFailure(Exchange done) {
                if (key != null) {
                    seen.done(key.key(), true);
                }
                failedFiles.keep(file, done.getException(), done.getFromRouteId());
            }
        });
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Exception failure = exchange.getException();
        try {
            // with bridgeErrorHandler the route's error handler has already had this exchange: bridging it would run it
            // a second time (camel-file does not hand a failed exchange to the consumer's exception handler either)
            if (failure != null && !(getExceptionHandler() instanceof BridgeExceptionHandlerToErrorHandler)) {
                getExceptionHandler().handleException("Error processing the file " + file.fileName() + " from "
                                                      + file.sender().addressOfRecord(), exchange, failure);
            }
        } finally {
            releaseExchange(exchange, false);
        }
        if (failure != null) {
            // not delivered: a sender that waits for the outcome is told so (acknowledge=afterRoute)
            throw failure;
        }
    }

    @Override
    public void onFailure(TransferException failure) {
        getExceptionHandler().handleException("Receiving a file failed", failure);
    }
}
