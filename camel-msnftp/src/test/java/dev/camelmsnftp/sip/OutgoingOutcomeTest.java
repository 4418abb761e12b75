package dev.camelmsnftp.sip;

import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sip.ClientTransaction;
import javax.sip.SipFactory;
import javax.sip.message.Request;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's outcome reaches its caller whatever JAIN-SIP's transaction does once the outcome is known: with the
 * releasing strategy the agent uses, JAIN-SIP may already have let go of a finished transaction's request, and ending
 * the transaction may fail. Neither may swallow the response or the failure (the caller would wait for ever, or for
 * as long as its own time-out). A stand-in transaction (the one fake of this test) plays such a transaction; the
 * agent and its runtime are real.
 */
class OutgoingOutcomeTest {

    private SipAgent agent;

    @BeforeEach
    void start() throws Exception {
        agent = SipAgent.start(SipTesting.onLoopback("alice", SipTransport.UDP).build());
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void aResponseIsReportedWhenTheFinishedTransactionNoLongerHasItsRequest() throws Exception {
        Outgoing outgoing = new Outgoing(agent.runtime(), releasing(), null, null);
        outgoing.complete(new SipResponse(200, "OK"));
        assertThat(outgoing.future().get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void aFailureIsReportedWhenTheFinishedTransactionNoLongerHasItsRequest() throws Exception {
        Outgoing outgoing = new Outgoing(agent.runtime(), releasing(), null, null);
        outgoing.fail(new SipAgentException(SipAgentException.Kind.TIMEOUT, "no answer"));
        assertThat(outgoing.future()).failsWithin(5, TimeUnit.SECONDS);
    }

    /**
     * A MESSAGE transaction that has its request while the agent prepares it, and afterwards none (JAIN-SIP released
     * it), and whose ending fails.
     */
    private static ClientTransaction releasing() throws Exception {
        Request request = SipFactory.getInstance().createMessageFactory().createRequest(
                "MESSAGE sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-test\r\n"
                + "From: <sip:alice@corp.example>;tag=1\r\nTo: <sip:bob@corp.example>\r\n"
                + "Call-ID: outcome-test\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
        AtomicBoolean released = new AtomicBoolean();
        return (ClientTransaction) Proxy.newProxyInstance(OutgoingOutcomeTest.class.getClassLoader(),
                new Class<?>[] { ClientTransaction.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequest" -> released.get() ? null : request;
                    case "setApplicationData" -> {
                        if (args[0] == null) {
                            released.set(true);
                        }
                        yield null;
                    }
                    case "terminate" -> throw new IllegalStateException("the transaction is gone");
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "a released transaction";
                    default -> null;
                });
    }
}
