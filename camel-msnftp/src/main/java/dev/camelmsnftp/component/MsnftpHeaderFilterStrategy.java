package dev.camelmsnftp.component;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The default header filter strategy of {@code msnftp:} endpoints: drops every header whose name starts with
 * {@code Camel}, in any case ({@code camelFileName}, {@code CAMELFOO}), in both directions, as camel-xmpp's and
 * camel-mail's defaults do. See the component page for which headers can travel at all.
 */
public class MsnftpHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    public MsnftpHeaderFilterStrategy() {
        setLowerCase(true);
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
    }
}
