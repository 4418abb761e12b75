package dev.camelmsnftp.component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferStatistics;

import dev.camelmsnftp.transfer.TransferSettings;
import dev.camelmsnftp.transfer.WorkDirectory;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
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
@ManagedResource(description = "Managed MSNFTP endpoint: transfers offered, accepted, rejected, completed, failed, bytes,"
                              + " those in flight, and cancelling one")
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
                            + " field the peer sent into the exchange. The default drops the headers whose name starts with Camel, in any case, in"
                            + " both directions.")
    private HeaderFilterStrategy headerFilterStrategy = new MsnftpHeaderFilterStrategy();

    private final TransferStatistics statistics = new TransferStatistics();
    private TransferListener listener = TransferListener.NONE;
    /**
     * The endpoint's Micrometer meters while it is started. Camel stops, and never shuts down, an endpoint it removes
     * (with a removed route), so meters kept until shutdown stayed in the registry after it.
     */
    private volatile TransferListener metrics = TransferListener.NONE;
    private final TransferListener currentMetrics = new TransferListener() {
        @Override
        public void offered(Transfer transfer) {
            metrics.offered(transfer);
        }

        @Override
        public void accepted(Transfer transfer) {
            metrics.accepted(transfer);
        }

        @Override
        public void progress(Transfer transfer) {
            metrics.progress(transfer);
        }

        @Override
        public void finished(Transfer transfer) {
            metrics.finished(transfer);
        }
    };
    /** The transfer slots all producers of this endpoint share (maxConcurrentTransfers), fresh at each start. */
    private volatile Semaphore producerSlots;

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
        listener = TransferListener.all(List.of(statistics, configuration.transferLogging(), currentMetrics,
                getComponent().transferListeners()));
        transferSettings();
    }

    /**
     * A work directory that exists and that others could write stops the route here (one that does not exist yet is
     * created owner-only when first needed).
     */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        try {
            WorkDirectory.check(transferSettings().workDir());
        } catch (WorkDirectory.InsecureWorkDirectoryException e) {
            throw new IllegalStateException("msnftp option workDir: " + e.getMessage(), e);
        }
        producerSlots = new Semaphore(configuration.getMaxConcurrentTransfers(), true);
        metrics = MetricsSupport.forEndpoint(this, statistics);
    }

    @Override
    protected void doStop() throws Exception {
        TransferListener meters = metrics;
        metrics = TransferListener.NONE;
        if (meters instanceof AutoCloseable closeable) {
            closeable.close();
        }
        super.doStop();
    }

    /** The settings of this endpoint's transfers. */
    TransferSettings transferSettings() {
        return configuration.transferSettings(WorkDirectory.defaultFor(configuration.getIdentity()), listener);
    }

    /**
     * The slots the producers of this endpoint take one of per transfer: maxConcurrentTransfers for all of them
     * together, however many routes send to this URI. A producer releases the slot to the semaphore it took it from.
     */
    Semaphore producerSlots() {
        Semaphore slots = producerSlots;
        if (slots == null) {
            throw new IllegalStateException("The endpoint " + getEndpointUri() + " is not started");
        }
        return slots;
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

    /** The counts and the transfers in flight of this endpoint, both directions. */
    public TransferStatistics getStatistics() {
        return statistics;
    }

    @ManagedAttribute(description = "Files offered: INVITEs sent (producer) and received (consumer)")
    public long getOfferedCount() {
        return statistics.offered();
    }

    @ManagedAttribute(description = "Offers the receiver accepted")
    public long getAcceptedCount() {
        return statistics.accepted();
    }

    @ManagedAttribute(description = "Offers declined before a byte moved: by the peer (producer) or by our policy (consumer)")
    public long getRejectedCount() {
        return statistics.rejected();
    }

    @ManagedAttribute(description = "Transfers completed")
    public long getCompletedCount() {
        return statistics.completed();
    }

    @ManagedAttribute(description = "Transfers that did not complete: time-out, cancel, connection lost, protocol error")
    public long getFailedCount() {
        return statistics.failed();
    }

    @ManagedAttribute(description = "Bytes of file data moved by transfers that have ended")
    public long getBytesTransferred() {
        return statistics.bytes();
    }

    @ManagedAttribute(description = "Transfers in flight")
    public int getInFlightCount() {
        return statistics.inFlight().size();
    }

    @ManagedAttribute(description = "Transfers in flight, one line each: direction, file, peer, bytes, percent, rate, time left,"
                                    + " flow, dialect, state and Invitation-Cookie")
    public String[] getInFlightTransfers() {
        return statistics.inFlight().stream().map(Transfer::toString).toArray(String[]::new);
    }

    @ManagedOperation(description = "Cancels the transfer in flight with this Invitation-Cookie (CANCEL, CCL or an abort block"
                                    + " to the peer); false when there is none")
    public boolean cancelTransfer(long cookie) {
        return statistics.inFlight(cookie).map(Transfer::cancel).orElse(false);
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
