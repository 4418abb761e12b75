package dev.camelmsnftp.component;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code msnftp:} component: sends and receives files between SIP users as Microsoft OCS and MSN Messenger
 * clients do. Endpoints with the same SIP identity and listening point share one SIP agent.
 */
@Component("msnftp")
public class MsnftpComponent extends HealthCheckComponent implements SSLContextParametersAware {

    @Metadata(description = "Component-wide configuration shared by every endpoint (each endpoint gets a copy).")
    private MsnftpConfiguration configuration = new MsnftpConfiguration();

    @Metadata(label = "security", defaultValue = "false",
              description = "Use the CamelContext's global SSLContextParameters for sipTransport=tls where an endpoint sets none.")
    private boolean useGlobalSslContextParameters;

    private final Map<MsnftpConfiguration.AgentKey, SharedAgent> agents = new HashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("An msnftp: endpoint needs a peer: msnftp:bob@corp.example or msnftp:*");
        }
        MsnftpEndpoint endpoint = new MsnftpEndpoint(uri, this, configuration.copy());
        endpoint.setPeer(remaining);
        setProperties(endpoint, parameters);
        if (endpoint.getConfiguration().getSslContextParameters() == null) {
            endpoint.getConfiguration().setSslContextParameters(retrieveGlobalSslContextParameters());
        }
        return endpoint;
    }

    /** The shared agent for this configuration's SIP identity, started on first use. */
    SharedAgent acquire(Object owner, MsnftpConfiguration endpointConfiguration) throws Exception {
        MsnftpConfiguration.AgentKey key = endpointConfiguration.agentKey();
        synchronized (agents) {
            SharedAgent shared = agents.get(key);
            if (shared == null) {
                shared = SharedAgent.start(owner, getCamelContext(), endpointConfiguration);
                agents.put(key, shared);
            }
            shared.retain();
            return shared;
        }
    }

    /** Gives back an agent; the last user stops it. */
    void release(SharedAgent shared) {
        boolean last;
        synchronized (agents) {
            last = shared.release();
            if (last) {
                agents.values().remove(shared);
            }
        }
        if (last) {
            shared.stop();
        }
    }

    @Override
    protected void doStop() throws Exception {
        Map<MsnftpConfiguration.AgentKey, SharedAgent> left;
        synchronized (agents) {
            left = new HashMap<>(agents);
            agents.clear();
        }
        left.values().forEach(SharedAgent::stop);
        super.doStop();
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public MsnftpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
