package dev.camelmsnftp.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.transfer.Flow;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver that listens (flows B and C) takes the sender's connection while the SIP answer to its ACCEPT is still on
 * its way: the sender connects as soon as it has the ACCEPT, and waiting for that answer first cost a SIP round trip
 * per file. Here the sender holds its 200 to the ACCEPT until the test lets it go: the handshake, and for the plain
 * dialect the whole file, get through before it. (Flow A waits for the answer by design: see TransferForkingTest.)
 */
class MsnftpAcceptAnswerTest extends MsnftpTestSupport {

    private static final int SIZE = 5_000;

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return receiversToMock();
    }

    static Stream<Arguments> listeningFlowsDialectsAndModes() {
        List<Arguments> rows = new ArrayList<>();
        for (Flow flow : new Flow[] { Flow.B, Flow.C }) {
            for (Dialect dialect : Dialect.values()) {
                for (SipMode mode : SipMode.values()) {
                    rows.add(Arguments.of(flow, dialect, mode));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "flow {0}, {1}, {2}")
    @MethodSource("listeningFlowsDialectsAndModes")
    void theConnectionIsTakenBeforeTheAcceptIsAnswered(Flow flow, Dialect dialect, SipMode mode) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(dialect.encrypted() ? 0 : 1);
        CountDownLatch answers = new CountDownLatch(1);
        try (ScriptedPeer erin = new ScriptedPeer("erin", answers)) {
            // offer() connects on the ACCEPT and plays the sender's handshake up to the receiver's TFR: with the
            // receiver waiting for the 200 first it would never speak, and this would fail on the read time-out
            try (ScriptedPeer.Wire wire = erin.offer(receiverFor(flow), flow, dialect, "early.bin", SIZE, mode)) {
                assertThat(answers.getCount()).as("the ACCEPT is still unanswered").isEqualTo(1);
                if (dialect.encrypted()) {
                    answers.countDown();
                    wire.reset();
                } else {
                    wire.write(ScriptedPeer.Wire.dataBlock(2045));
                    wire.write(ScriptedPeer.Wire.dataBlock(2045));
                    wire.write(ScriptedPeer.Wire.dataBlock(SIZE - 2 * 2045));
                    assertThat(wire.readLine()).isEqualTo("BYE 16777989");
                    received.assertIsSatisfied();
                    assertThat(answers.getCount()).as("the ACCEPT is still unanswered").isEqualTo(1);
                    answers.countDown();
                    // the answer that comes after the file changes nothing: no CANCEL for the delivered file
                    assertThat(erin.quietFor(Duration.ofMillis(500))).isEmpty();
                }
            }
        }
        received.assertIsSatisfied();
        assertThat(received.getReceivedExchanges()).allSatisfy(
                exchange -> assertThat(exchange.getIn().getBody(byte[].class)).hasSize(SIZE));
    }
}
