package dev.camelmsnftp.component;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a peer can make a transfer hold, bounded on the transfer side: each test is a hostile peer, in every flow and
 * dialect, and fails when its bound is taken away.
 */
class MsnftpBoundsTest extends MsnftpTestSupport {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // one transfer slot each, silence noticed after 1 s, and the default minimum rate (1 KiB/s over 1 s)
                String limits = "maxConcurrentTransfers=1&transferTimeout=1s&exceptionHandler=#failures";
                from(bobReceives("*", limits)).routeId("bob").to("mock:received");
                from(carolReceives("alwaysListen=true&" + limits)).routeId("carol").to("mock:received");
            }
        };
    }

    /**
     * A slow-loris sender: a byte every 200 ms is never a second of silence, so a time-out that restarts with every
     * byte would let it hold the consumer's only slot for ever. The minimum rate drops it within about a window, says
     * why, and the next sender gets the slot.
     */
    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aTricklingSenderIsDroppedAndItsSlotFreed(Flow flow, Dialect dialect) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        try (ScriptedPeer loris = new ScriptedPeer("loris");
             ScriptedPeer.Wire wire = loris.offer(receiverFor(flow), flow, dialect, "slow.bin", 1_000_000,
                     SipMode.SESSION)) {
            wire.write(new byte[] { 0, (byte) 0xfd, 0x07 });
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickle(wire));
            long start = System.nanoTime();

            assertThat(wire.hungUp()).as("the receiver hangs up on the trickle").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            trickle.get(15, TimeUnit.SECONDS);
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferTimeoutException.class,
                    e -> {
                        assertThat(e.phase()).isEqualTo(Phase.TRANSFER);
                        assertThat(e.getMessage()).contains("minimum rate");
                    });
            Invitation cancel = loris.next(Duration.ofSeconds(5)).invitation();
            assertThat(cancel.cancelCode()).as("what the trickler is told").contains(CancelCode.FTTIMEOUT);
        }
        // the slot frees a moment after the failure was reported; until then an offer is declined with CANCEL FAIL
        String toReceiver = alice(receiverFor(flow), sending(flow, dialect, SipMode.SESSION));
        await("the next sender gets the slot").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> template.send(toReceiver, exchange -> exchange.getIn().setBody(new byte[100_000]))
                        .getException() == null);
        received.assertIsSatisfied();
    }

    /** One byte every 200 ms, for at most 10 s, until the connection is gone. The pauses are the attacker's pace. */
    private static void trickle(ScriptedPeer.Wire wire) {
        try {
            for (int i = 0; i < 50 && !wire.socket.isClosed(); i++) {
                wire.write(new byte[] { 42 });
                Thread.sleep(200);
            }
        } catch (IOException gone) {
            // the receiver hung up: what the test waits for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
