package dev.camelmsnftp.component;

import java.nio.file.Path;
import java.util.Map;

import dev.camelmsnftp.transfer.TransferSettings;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Send and receive files between SIP users the way Microsoft OCS and MSN Messenger clients did: a File Transfer
 * invitation (text/x-msmsgsinvite) in a SIP MESSAGE, then the bytes over TCP with MSNFTP, plain or encrypted.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "msnftp", title = "MSNFTP", syntax = "msnftp:peer",
             category = { Category.FILE, Category.CHAT }, headersClass = MsnftpConstants.class)
public class MsnftpEndpoint extends DefaultEndpoint implements EndpointServiceLocation {

    @UriPath(description = "The peer's SIP address in the usual user-at-domain form, with or without sip:; for direct use"
                           + " without a SIP proxy, user-at-host:port. Producer: the recipient. Consumer: the sender whose"
                           + " files are accepted, or the wildcard (a star) for anyone.")
    @Metadata(required = true)
    private String peer;

    @UriParam
    private MsnftpConfiguration configuration;

    @UriParam(label = "consumer",
              description = "Further senders whose files are accepted, besides the peer of the URI: a comma-separated list of"
                            + " SIP addresses (alice@corp.example) and patterns for a whole domain (*@partner.example). With"
                            + " msnftp:* and this list, only the list is accepted. Other senders get CANCEL REJECT and an INFO"
                            + " log line; no byte of their file is sent.")
    private String allowedSenders;

    @UriParam(label = "consumer,filter",
              description = "Is used to include files, if the offered file name (reduced to a plain name, as CamelFileName)"
                            + " matches the regex pattern (matching is case in-sensitive); others are declined with CANCEL"
                            + " REJECT before a byte is sent. As camel-ftp's include.")
    private String include;

    @UriParam(label = "consumer,filter",
              description = "Is used to exclude files, if the offered file name (reduced to a plain name, as CamelFileName)"
                            + " matches the regex pattern (matching is case in-sensitive); they are declined with CANCEL REJECT"
                            + " before a byte is sent. Takes precedence over include. As camel-ftp's exclude.")
    private String exclude;

    @UriParam(label = "consumer,filter", defaultValue = "false",
              description = "Decline files already received: each file's idempotentKey goes into the idempotentRepository, and"
                            + " an offer whose key is there is declined with CANCEL REJECT before a byte is sent (or, when the"
                            + " key needs the file's content, dropped once received and acknowledged as delivered, so that the"
                            + " sender does not send it again). A key is removed again when its file does not arrive or its"
                            + " exchange fails.")
    private boolean idempotent;

    @UriParam(label = "consumer,filter",
              description = "The repository of received keys when idempotent=true (any Camel IdempotentRepository, such as the"
                            + " file-based or a JDBC one); by default one in memory that remembers the last 1000 keys.")
    private IdempotentRepository idempotentRepository;

    @UriParam(label = "consumer,filter",
              description = "The key of a file for idempotent=true, a simple expression over the headers of the exchange the file"
                            + " would give (CamelMsnftpRemoteUser, CamelFileName, CamelMsnftpOriginalFileName, CamelFileLength,"
                            + " ...): by default the sender, the offered name and the size. A key that reads the body (the file)"
                            + " is checked once the file is in.")
    private String idempotentKey;

    public MsnftpEndpoint(String uri, MsnftpComponent component, MsnftpConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public MsnftpComponent getComponent() {
        return (MsnftpComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if ("*".equals(peer.trim())) {
            throw new IllegalArgumentException("msnftp:* can only receive: a producer needs the recipient's SIP address");
        }
        return new MsnftpProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        MsnftpConsumer consumer = new MsnftpConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        configuration.agentKey();
        transferSettings();
    }

    /** The settings of this endpoint's transfers. */
    TransferSettings transferSettings() {
        Path defaultWorkDir = Path.of(System.getProperty("java.io.tmpdir"), "camel-msnftp",
                configuration.getLocalUser().replaceAll("[^A-Za-z0-9@._-]", "_"));
        return configuration.transferSettings(defaultWorkDir);
    }

    SharedAgent acquireAgent(Object owner) throws Exception {
        return getComponent().acquire(owner, configuration);
    }

    void releaseAgent(SharedAgent agent) {
        getComponent().release(agent);
    }

    @Override
    public String getServiceUrl() {
        return peer.startsWith("sip:") ? peer : "sip:" + peer;
    }

    @Override
    public String getServiceProtocol() {
        return "sip";
    }

    @Override
    public Map<String, String> getServiceMetadata() {
        return configuration.getLocalUser() == null ? null : Map.of("localUser", configuration.getLocalUser());
    }

    public String getPeer() {
        return peer;
    }

    public void setPeer(String peer) {
        this.peer = peer;
    }

    public String getAllowedSenders() {
        return allowedSenders;
    }

    public void setAllowedSenders(String allowedSenders) {
        this.allowedSenders = allowedSenders;
    }

    public String getInclude() {
        return include;
    }

    public void setInclude(String include) {
        this.include = include;
    }

    public String getExclude() {
        return exclude;
    }

    public void setExclude(String exclude) {
        this.exclude = exclude;
    }

    public boolean isIdempotent() {
        return idempotent;
    }

    public void setIdempotent(boolean idempotent) {
        this.idempotent = idempotent;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public String getIdempotentKey() {
        return idempotentKey;
    }

    public void setIdempotentKey(String idempotentKey) {
        this.idempotentKey = idempotentKey;
    }

    public MsnftpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
