package dev.camelmsnftp.component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferListener;

import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code msnftp:} component: sends and receives files between SIP users as Microsoft OCS and MSN Messenger
 * clients do. Endpoints with the same SIP identity and listening point share one SIP agent.
 */
@Component("msnftp")
public class MsnftpComponent extends HealthCheckComponent implements SSLContextParametersAware {

    private static final Logger LOG = LoggerFactory.getLogger(MsnftpComponent.class);

    @Metadata(description = "Component-wide configuration shared by every endpoint (each endpoint gets a copy).")
    private MsnftpConfiguration configuration = new MsnftpConfiguration();

    @Metadata(label = "security", defaultValue = "false",
              description = "Use the CamelContext's global SSLContextParameters for sipTransport=tls where an endpoint sets none.")
    private boolean useGlobalSslContextParameters;

    private final Map<MsnftpConfiguration.AgentKey, SharedAgent> agents = new HashMap<>();
    private final List<TransferListener> listeners = new CopyOnWriteArrayList<>();
    private final TransferListener forwarder = new TransferListener() {
        @Override
        public void offered(Transfer transfer) {
            each(listener -> listener.offered(transfer));
        }

        @Override
        public void accepted(Transfer transfer) {
            each(listener -> listener.accepted(transfer));
        }

        @Override
        public void progress(Transfer transfer) {
            each(listener -> listener.progress(transfer));
        }

        @Override
        public void finished(Transfer transfer) {
            each(listener -> listener.finished(transfer));
        }
    };

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("An msnftp: endpoint needs a peer: msnftp:bob@corp.example or msnftp:*");
        }
        MsnftpEndpoint endpoint = new MsnftpEndpoint(readable(uri), this, configuration.copy());
        endpoint.setPeer(remaining);
        setProperties(endpoint, parameters);
        if (endpoint.getConfiguration().getSslContextParameters() == null) {
            endpoint.getConfiguration().setSslContextParameters(retrieveGlobalSslContextParameters());
        }
        return endpoint;
    }

    /**
     * The endpoint's URI as logs, JMX and the console show it. Camel's sanitising masks {@code //x:y@}, greedily up to
     * the last {@code @} of the whole URI, as user:password, so {@code msnftp:bob@127.0.0.1:5070?identity=alice@corp.example}
     * showed as {@code msnftp://bob@127.0.0.1:xxxxxx@corp.example} and {@code msnftp:sip:bob@host} as
     * {@code msnftp://sip:xxxxxx@host}. Here {@code sip:} is left off the peer and an {@code @} in an option value is
     * written {@code %40}, as Camel itself writes it whenever it rebuilds a query; {@code RAW(...)} values stay as they
     * are. The same URI parses to the same endpoint.
     */
    static String readable(String uri) {
        String scheme = uri.startsWith("msnftp://") ? "msnftp://" : uri.startsWith("msnftp:") ? "msnftp:" : "";
        int query = uri.indexOf('?');
        String path = uri.substring(scheme.length(), query < 0 ? uri.length() : query);
        if (path.regionMatches(true, 0, "sip:", 0, 4)) {
            path = path.substring(4);
        }
        StringBuilder out = new StringBuilder(uri.length() + 16).append(scheme).append(path);
        if (query < 0) {
            return out.toString();
        }
        out.append('?');
        int i = query + 1;
        while (i < uri.length()) {
            char c = uri.charAt(i);
            if ((c == '(' || c == '{') && uri.startsWith("RAW", i - 3)) {
                // a RAW value ends at the closing bracket that ends the parameter
                char close = c == '(' ? ')' : '}';
                int end = i + 1;
                while (end < uri.length() && !(uri.charAt(end) == close && (end + 1 == uri.length() || uri.charAt(end + 1) == '&'))) {
                    end++;
                }
                end = Math.min(end + 1, uri.length());
                out.append(uri, i, end);
                i = end;
            } else {
                out.append(c == '@' ? "%40" : String.valueOf(c));
                i++;
            }
        }
        return out.toString();
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

    /**
     * Tells {@code listener} of every transfer of this component's endpoints, sent and received, from now on: for a
     * progress bar, or counters of your own. It is called on transfer threads and must be quick.
     */
    public void addTransferListener(TransferListener listener) {
        listeners.add(listener);
    }

    public void removeTransferListener(TransferListener listener) {
        listeners.remove(listener);
    }

    private void each(java.util.function.Consumer<TransferListener> event) {
        for (TransferListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("A transfer listener failed", e);
            }
        }
    }

    /** What each endpoint tells of its transfers, for the component's listeners. */
    TransferListener transferListeners() {
        return forwarder;
    }

    /** The SIP agents running, for health checks and the dev console. */
    List<SharedAgent> agents() {
        synchronized (agents) {
            return List.copyOf(agents.values());
        }
    }

    public MsnftpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
