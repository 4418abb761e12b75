package dev.camelmsnftp.sip;

import java.util.Properties;

import javax.sip.SipStack;

import gov.nist.core.LogLevels;
import gov.nist.core.ServerLogger;
import gov.nist.core.StackLogger;
import gov.nist.javax.sip.message.SIPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's stack logger, routed to SLF4J logger {@code gov.nist.javax.sip} and made quiet: JAIN-SIP's errors
 * become WARN, its warnings and info DEBUG, its debug TRACE. JAIN-SIP instantiates this class by name (stack property
 * {@code gov.nist.javax.sip.STACK_LOGGER}); it is not for application use.
 */
public final class JainSipLogging implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");

    public JainSipLogging() {
        // instantiated by JAIN-SIP
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isWarnEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        if (level <= LogLevels.TRACE_ERROR) {
            return LOG.isWarnEnabled();
        }
        if (level <= LogLevels.TRACE_INFO) {
            return LOG.isDebugEnabled();
        }
        return LOG.isTraceEnabled();
    }

    @Override
    public void logError(String message) {
        LOG.warn(message);
    }

    /**
     * What JAIN-SIP logs when it cannot answer a keep-alive (a double CRLF, RFC 5626) on a TCP/TLS connection, which
     * happens when the connection is closing, at every stop of a stack whose peer pinged it.
     */
    static final String KEEP_ALIVE_ANSWER_FAILED = "A problem occured while trying to send a single CLRF";

    /**
     * Errors with an exception; an interrupt of the event thread is how our own stop ends it, a read that timed out
     * is how an idle connection is closed (any peer can cause it, so it must not fill the log), and a keep-alive answer
     * that could not be written went to a connection already closing: none of them is one.
     */
    @Override
    public void logError(String message, Exception ex) {
        if (ex instanceof InterruptedException || ex instanceof java.net.SocketTimeoutException
            || ex instanceof java.io.IOException && message != null && message.startsWith(KEEP_ALIVE_ANSWER_FAILED)) {
            LOG.debug("{} ({})", message, ex.toString());
        } else {
            LOG.warn(message, ex);
        }
    }

    @Override
    public void logFatalError(String message) {
        LOG.error(message);
    }

    @Override
    public void logWarning(String message) {
        LOG.debug(message);
    }

    @Override
    public void logInfo(String message) {
        LOG.debug(message);
    }

    @Override
    public void logDebug(String message) {
        LOG.trace(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.trace(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logException(Throwable ex) {
        LOG.debug("JAIN-SIP exception", ex);
    }

    @Override
    public void logStackTrace() {
        // stack traces of the caller are noise
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // stack traces of the caller are noise
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void disableLogging() {
        // levels are SLF4J's business
    }

    @Override
    public void enableLogging() {
        // levels are SLF4J's business
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        // not logged
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }

    /**
     * JAIN-SIP's message logger: every SIP message sent or received, at TRACE on {@code dev.camelmsnftp.sip.messages}
     * (bodies can carry AuthCookies, so never higher). Stack property {@code gov.nist.javax.sip.SERVER_LOGGER}.
     */
    public static final class Messages implements ServerLogger {

        private static final Logger MESSAGES = LoggerFactory.getLogger("dev.camelmsnftp.sip.messages");

        public Messages() {
            // instantiated by JAIN-SIP
        }

        @Override
        public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
            if (MESSAGES.isTraceEnabled()) {
                MESSAGES.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
            }
        }

        @Override
        public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
            logMessage(message, from, to, sender, time);
        }

        @Override
        public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
            logMessage(message, from, to, sender, 0);
        }

        @Override
        public void logException(Exception ex) {
            MESSAGES.debug("JAIN-SIP message exception", ex);
        }

        @Override
        public void closeLogFile() {
            // no file
        }

        @Override
        public void setStackProperties(Properties stackProperties) {
            // nothing to configure
        }

        @Override
        public void setSipStack(SipStack sipStack) {
            // not needed
        }
    }
}
