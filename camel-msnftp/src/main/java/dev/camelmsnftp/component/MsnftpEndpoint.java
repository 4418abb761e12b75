package dev.camelmsnftp.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Send and receive files between SIP users the way Microsoft OCS and MSN Messenger clients did.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "msnftp", title = "MSNFTP", syntax = "msnftp:peer",
             category = { Category.FILE, Category.CHAT }, headersClass = MsnftpConstants.class)
public class MsnftpEndpoint extends DefaultEndpoint {

    @UriPath(description = "The peer's SIP address. Producer: the recipient. Consumer: the sender whose files are accepted,"
                           + " or * for anyone.")
    @Metadata(required = true)
    private String peer;

    @UriParam
    private MsnftpConfiguration configuration;

    public MsnftpEndpoint(String uri, MsnftpComponent component, MsnftpConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("prototype");
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("prototype");
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

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
