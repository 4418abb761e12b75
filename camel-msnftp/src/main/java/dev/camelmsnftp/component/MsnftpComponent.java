package dev.camelmsnftp.component;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/** The {@code msnftp:} component. */
@Component("msnftp")
public class MsnftpComponent extends HealthCheckComponent {

    @Metadata(description = "Component-wide configuration shared by every endpoint (each endpoint gets a copy).")
    private MsnftpConfiguration configuration = new MsnftpConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MsnftpEndpoint endpoint = new MsnftpEndpoint(uri, this, configuration.copy());
        endpoint.setPeer(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public MsnftpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(MsnftpConfiguration configuration) {
        this.configuration = configuration;
    }
}
