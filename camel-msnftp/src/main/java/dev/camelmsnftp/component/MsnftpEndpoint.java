package dev.camelmsnftp.component;

import java.nio.file.Path;
import java.util.Map;

import dev.camelmsnftp.transfer.TransferSettings;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.EndpointServiceLocation;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
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
public class MsnftpEndpoint extends DefaultEndpoint implements EndpointServiceLocation, HeaderFilterStrategyAware {

    @UriPath(description = "The peer's SIP address in the usual user-at-domain form, with or without sip:; for direct use"
                           + " without a SIP proxy, user-at-host:port. Producer: the recipient. Consumer: the sender whose"
                           + " files are accepted, or the wildcard (a star) for anyone.")
    @Metadata(required = true)
    private String peer;

    @UriParam
    private MsnftpConfiguration configuration;

    @UriParam(label = "filter",
              description = "The strategy for headers that would travel between the exchange and the peer. No header does"
                            + " today: the invitation carries only the protocol's own fields, and the consumer copies no"
                            + " field the peer sent into the exchange. The default drops Camel* headers, in any case, in"
                            + " both directions.")
    private HeaderFilterStrategy headerFilterStrategy = new MsnftpHeaderFilterStrategy();

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
                configuration.getIdentity().replaceAll("[^A-Za-z0-9@._-]", "_"));
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
        return configuration.getIdentity() == null ? null : Map.of("identity", configuration.getIdentity());
    }

    public String getPeer() {
        return peer;
    }

    public void setPeer(String peer) {
        this.peer = peer;
    }

    public MsnftpConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
