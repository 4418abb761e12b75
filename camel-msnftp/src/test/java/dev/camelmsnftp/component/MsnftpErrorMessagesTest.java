package dev.camelmsnftp.component;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.KamailioExtension;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each failure an operator meets first, produced for real: the top-level message says what happened and names the
 * endpoint option to check, and the root cause stays in the chain. The rows of the troubleshooting table in
 * {@code src-docs/user-guide.md} are the messages these tests saw; the table fails the build when it drifts (run with
 * {@code -Dmsnftp.docs.update=true} to rewrite it).
 */
class MsnftpErrorMessagesTest extends MsnftpTestSupport {

    @RegisterExtension
    static final KamailioExtension KAMAILIO = new KamailioExtension();

    static final Path GUIDE = Path.of("../src-docs/user-guide.md");
    static final String START = "<!-- error messages: START (MsnftpErrorMessagesTest) -->\n";
    static final String END = "<!-- error messages: END -->";
    /** Row number to table row. */
    static final Map<Integer, String> ROWS = new TreeMap<>();
    static final int ROW_COUNT = 11;

    /** Ports and cookies differ from run to run: the table shows them as placeholders. */
    private static String stable(String message) {
        return message.replaceAll(" \\[cookie [0-9]+, peer [^\\]]*\\]$", "").replaceAll("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
    }

    private static void row(int number, String situation, String where, Throwable shown) {
        ROWS.put(number, "| " + situation + " | " + where + " | `" + shown.getClass().getSimpleName() + "`: "
                         + stable(shown.getMessage()).replace("|", "\\|") + " |");
    }

    /** The msnftp exception inside what Camel threw when the route did not start. */
    private SipAgentException startFailure(String uri) {
        Throwable failure = null;
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).to("mock:never");
                }
            });
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("the route does not start").isNotNull();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SipAgentException sip) {
                return sip;
            }
        }
        throw new AssertionError("no SipAgentException in " + failure, failure);
    }

    private TransferException sendFailure(String uri) {
        Exchange sent = template.send(uri, exchange -> {
            exchange.getIn().setBody(new byte[2000]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, "report.pdf");
        });
        assertThat(sent.getException()).isInstanceOf(TransferException.class);
        return (TransferException) sent.getException();
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static String viaKamailio(String user, String options) {
        return "localUser=" + user + "@" + KamailioExtension.DOMAIN + "&registrar=" + KAMAILIO.address() + "&outboundProxy="
               + KAMAILIO.address() + (options.isEmpty() ? "" : "&" + options);
    }

    @Test
    void registrarHostUnknown() {
        SipAgentException e = startFailure(uri("*", "bob", 0, "registrar=nosuchhost.invalid"));
        assertThat(e.getMessage()).isEqualTo(
                "Cannot register bob@corp.example: the registrar host nosuchhost.invalid is unknown (check the registrar option)");
        assertThat(root(e)).isInstanceOf(UnknownHostException.class);
        row(1, "registrar host name does not resolve", "route start", e);
    }

    @Test
    void registrarRefusesTcp() {
        int closed = FreePorts.udpAndTcp();
        SipAgentException e = startFailure(uri("*", "bob", 0, "sipTransport=tcp&registrar=127.0.0.1:" + closed));
        assertThat(e.getMessage()).contains("nothing accepts SIP over TCP at 127.0.0.1:" + closed,
                "check the registrar option and sipTransport");
        assertThat(root(e)).hasMessageContaining("Could not connect to /127.0.0.1:" + closed);
        row(2, "registrar down, or wrong port (TCP: connection refused)", "route start", e);
    }

    @Test
    void registrarSilentOverUdp() {
        int closed = FreePorts.udpAndTcp();
        SipAgentException e = startFailure(uri("*", "bob", 0, "registrar=127.0.0.1:" + closed));
        assertThat(e.getMessage()).contains("the registrar 127.0.0.1:" + closed + " did not answer over UDP within 10 s",
                "check the registrar option and sipTransport");
        assertThat(e.kind()).isEqualTo(SipAgentException.Kind.TIMEOUT);
        assertThat(e.getCause()).isInstanceOf(SipAgentException.class).hasMessageContaining("No final response to REGISTER");
        row(3, "registrar down, or wrong port (UDP: no answer)", "route start", e);
    }

    @Test
    void wrongPassword() {
        SipAgentException e = startFailure(uri("*", "bob", 0, viaKamailio("bob", "password=wrong")));
        assertThat(e.getMessage()).isEqualTo("Cannot register bob@" + KamailioExtension.DOMAIN + ": the registrar "
                                             + KAMAILIO.address() + " refused our credentials (401 Unauthorized) (check the"
                                             + " authUsername and password options)");
        assertThat(e.status()).hasValue(401);
        assertThat(e.getCause()).isInstanceOf(SipAgentException.class).hasMessageContaining("answered 401");
        row(4, "wrong password", "route start", e);
    }

    @Test
    void peerHostUnknown() {
        TransferException e = sendFailure(uri("sip:bob@nosuchhost.invalid:5060", "alice", 0, ""));
        assertThat(e.getMessage()).startsWith("Cannot offer the file to bob@nosuchhost.invalid: the host nosuchhost.invalid"
                                              + " of the peer address nosuchhost.invalid:5060 is unknown (check the endpoint's"
                                              + " peer address, or set outboundProxy to send through a SIP proxy)");
        assertThat(root(e)).isInstanceOf(UnknownHostException.class);
        row(5, "peer host name does not resolve (no proxy)", "producer", e);
    }

    @Test
    void outboundProxyHostUnknown() {
        TransferException e = sendFailure(uri("bob@corp.example", "alice", 0, "outboundProxy=nosuchhost.invalid"));
        assertThat(e.getMessage()).startsWith("Cannot offer the file to bob@corp.example: the host nosuchhost.invalid of the"
                                              + " outboundProxy nosuchhost.invalid:5060 is unknown (check the outboundProxy"
                                              + " option)");
        assertThat(root(e)).isInstanceOf(UnknownHostException.class);
        row(6, "outboundProxy host name does not resolve", "producer", e);
    }

    @Test
    void peerRefusesTcp() {
        int closed = FreePorts.udpAndTcp();
        TransferException e = sendFailure(uri("sip:bob@127.0.0.1:" + closed, "alice", 0, "sipTransport=tcp"));
        assertThat(e.getMessage()).contains("nothing accepts SIP over TCP at the peer address 127.0.0.1:" + closed,
                "check the endpoint's peer address and port, and sipTransport");
        assertThat(root(e)).hasMessageContaining("Could not connect");
        row(7, "nothing listens at the peer's SIP port (TCP: refused)", "producer", e);
    }

    @Test
    void peerSilentOverUdp() {
        int closed = FreePorts.udpAndTcp();
        TransferException e = sendFailure(uri("sip:bob@127.0.0.1:" + closed, "alice", 0, "acceptTimeout=2s"));
        assertThat(e.getMessage()).contains("no answer over UDP within 2 s from 127.0.0.1:" + closed,
                "check the endpoint's peer address and port, and sipTransport");
        assertThat(e.getCause()).isInstanceOf(java.util.concurrent.TimeoutException.class);
        row(8, "nothing answers at the peer's SIP port (UDP)", "producer", e);
    }

    @Test
    void proxyDoesNotKnowThePeer() {
        TransferException e = sendFailure(uri("nobody@" + KamailioExtension.DOMAIN, "alice", 0,
                viaKamailio("alice", "password=RAW(" + KamailioExtension.PASSWORD + ")")));
        assertThat(e.getMessage()).startsWith("Cannot offer the file to nobody@" + KamailioExtension.DOMAIN
                                              + ": the SIP server answered 404 Not Found: the address is unknown there (check"
                                              + " the endpoint's peer address");
        assertThat(e.getCause()).isInstanceOf(SipAgentException.class).hasMessageContaining("answered 404");
        row(9, "the proxy does not know the peer (404)", "producer", e);
    }

    @Test
    void peerSignedOut() {
        TransferException e = sendFailure(uri("offline@" + KamailioExtension.DOMAIN, "alice", 0,
                viaKamailio("alice", "password=RAW(" + KamailioExtension.PASSWORD + ")")));
        assertThat(e.getMessage()).startsWith("Cannot offer the file to offline@" + KamailioExtension.DOMAIN
                                              + ": the SIP server answered 480 Temporarily Unavailable: the peer is not signed"
                                              + " in now");
        assertThat(e.getCause()).isInstanceOf(SipAgentException.class).hasMessageContaining("answered 480");
        row(10, "the peer is not signed in (480)", "producer", e);
    }

    @Test
    void peerDeclines() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "maxFileSize=1000")).to("mock:received");
            }
        });
        TransferException e = sendFailure(toBob(""));
        assertThat(e.getMessage()).startsWith("bob@127.0.0.1 declined report.pdf (Cancel-Code REJECT: declined by its user"
                                              + " or its policy").contains("maxFileSize");
        row(11, "the receiver declines (its policy: size, sender, name, encryption)", "producer", e);
    }

    @AfterAll
    static void theGuideShowsWhatTheTestsSaw() throws Exception {
        if (ROWS.size() < ROW_COUNT) {
            return; // a test failed or was skipped: it says so itself
        }
        StringBuilder table = new StringBuilder("| situation | where | exception: message |\n|---|---|---|\n");
        ROWS.values().forEach(row -> table.append(row).append('\n'));
        String guide = Files.readString(GUIDE);
        int from = guide.indexOf(START);
        int to = guide.indexOf(END);
        assertThat(from).as("marker " + START).isNotNegative();
        assertThat(to).as("marker " + END).isGreaterThan(from);
        String generated = guide.substring(0, from + START.length()) + table + guide.substring(to);
        if (Boolean.getBoolean("msnftp.docs.update")) {
            Files.writeString(GUIDE, generated);
            guide = generated;
        }
        assertThat(guide).as("the error table of %s is stale: run this test with -Dmsnftp.docs.update=true", GUIDE)
                .isEqualTo(generated);
    }
}
