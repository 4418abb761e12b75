package dev.camelmsnftp.component;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.camelmsnftp.invite.CancelCode;
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
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Emits one exchange per file received from the endpoint's peer (or anyone, for {@code msnftp:*}). The body is the
 * received file ({@link java.io.File}, convertible to InputStream, byte[], String), in the work directory, deleted when
 * the exchange completes. Transfers that fail produce no exchange; they go to the consumer's exception handler.
 */
public class MsnftpConsumer extends DefaultConsumer implements InboundHandler {

    private final MsnftpEndpoint endpoint;
    private final PeerFilter peers;
    private final Pattern include;
    private final Pattern exclude;
    private TransferSettings settings;
    private SharedAgent agent;

    public MsnftpConsumer(MsnftpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        try {
            this.peers = PeerFilter.parse(endpoint.getPeer(), endpoint.getAllowedSenders());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The msnftp option allowedSenders (or the peer) is invalid: " + e.getMessage(), e);
        }
        this.include = pattern(endpoint.getInclude(), "include");
        this.exclude = pattern(endpoint.getExclude(), "exclude");
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
        agent = endpoint.acquireAgent(this);
        agent.transfers().addInboundHandler(this);
    }

    @Override
    protected void doStop() throws Exception {
        if (agent != null) {
            agent.transfers().removeInboundHandler(this);
            endpoint.releaseAgent(agent);
            agent = null;
        }
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
        return OfferDecision.accept();
    }

    @Override
    public void onFile(ReceivedFile file) {
        Exchange exchange = createExchange(false);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                file.delete();
            }
        });
        Message in = exchange.getIn();
        in.setBody(file.path().toFile());
        in.setHeader(MsnftpConstants.INVITATION_COOKIE, file.cookie());
        in.setHeader(MsnftpConstants.FILE_NAME, file.fileName());
        in.setHeader(Exchange.FILE_NAME_ONLY, file.fileName());
        in.setHeader(MsnftpConstants.FILE_LENGTH, file.size());
        in.setHeader(MsnftpConstants.BYE_CODE, file.byeCode());
        in.setHeader(MsnftpConstants.REMOTE_USER, file.sender().addressOfRecord());
        in.setHeader(MsnftpConstants.ENCRYPTED, file.encrypted());
        in.setHeader(MsnftpConstants.FLOW, file.flow().name());
        in.setHeader(MsnftpConstants.ORIGINAL_FILE_NAME, file.offeredName());
        // as camel-ftp does with its localWorkDirectory: a file: producer may then move the file instead of copying it
        in.setHeader(Exchange.FILE_LOCAL_WORK_PATH, file.path().toString());
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        try {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error processing the file " + file.fileName() + " from "
                                                      + file.sender(), exchange, exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    @Override
    public void onFailure(TransferException failure) {
        getExceptionHandler().handleException("Receiving a file failed", failure);
    }
}
