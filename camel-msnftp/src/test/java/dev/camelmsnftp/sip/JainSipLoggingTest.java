package dev.camelmsnftp.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** JAIN-SIP's log through ours: quiet about what a closing connection causes, loud about real errors. */
class JainSipLoggingTest {

    @Test
    void aKeepAliveAnswerToAClosingConnectionIsNoWarningButOtherIoErrorsAre() {
        JainSipLogging logging = new JainSipLogging();
        String keepAlive = logged(() -> logging.logError(
                "A problem occured while trying to send a single CLRF in response to a double CLRF",
                new SocketException("Socket is closed")));
        String other = logged(() -> logging.logError("Could not send the response", new IOException("broken pipe")));

        assertThat(keepAlive).as("seen at every stop of a TCP/TLS stack whose peer pinged it").doesNotContain("WARN");
        assertThat(other).contains("WARN").contains("Could not send the response");
    }

    /** What the test logger (slf4j-simple, to standard error) printed while {@code action} ran. */
    private static String logged(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
