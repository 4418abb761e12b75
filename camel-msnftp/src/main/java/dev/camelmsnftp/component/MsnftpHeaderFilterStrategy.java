package dev.camelmsnftp.component;

import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * Keeps Camel's own headers ({@code Camel*}, any case) out of anything sent to or taken from a peer. The component
 * never maps invitation fields to headers wholesale: it sets only the known {@link MsnftpConstants} headers.
 */
public class MsnftpHeaderFilterStrategy extends DefaultHeaderFilterStrategy {

    public MsnftpHeaderFilterStrategy() {
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setOutFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setLowerCase(true);
    }
}
