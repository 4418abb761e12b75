package dev.camelmsnftp.component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferListener;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code msnftp} dev console, found through Camel's console registry as a user's tooling finds it: agents,
 * listening points, registration, a transfer in flight (held at its first step so the console sees it move) with
 * peer, file, bytes, rate, flow and dialect, and the totals afterwards; text and JSON.
 */
class MsnftpDevConsoleTest extends MsnftpTestSupport {

    private static final int SIZE = 2 * 1024 * 1024;

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "maxFileSize=" + SIZE)).routeId("bob").to("mock:received");
                from("direct:send").to(toBob("encryption=disabled"));
            }
        };
    }

    private DevConsole console() {
        DevConsoleRegistry registry = context.getCamelContextExtension().getContextPlugin(DevConsoleRegistry.class);
        assertThat(registry).as("camel-console's registry").isNotNull();
        DevConsole console = registry.resolveById("msnftp");
        assertThat(console).as("the msnftp console, found by its id").isNotNull();
        return console;
    }

    @Test
    @SuppressWarnings("unchecked")
    void agentsTransfersInFlightAndTotalsAsTextAndJson() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        context.getComponent("msnftp", MsnftpComponent.class).addTransferListener(new TransferListener() {
            @Override
            public void progress(Transfer transfer) {
                // hold bob's receiver at its first step until the test has looked at the console
                if (transfer.direction() == Transfer.Direction.RECEIVE && moving.getCount() > 0) {
                    moving.countDown();
                    try {
                        looked.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        Future<Exchange> sending = template.asyncSend("direct:send", exchange -> {
            exchange.getIn().setBody(new byte[SIZE]);
            exchange.getIn().setHeader(Exchange.FILE_NAME, "report.pdf");
        });
        assertThat(moving.await(10, TimeUnit.SECONDS)).isTrue();
        String text;
        Map<String, Object> json;
        try {
            text = (String) console().call(DevConsole.MediaType.TEXT);
            json = (Map<String, Object>) console().call(DevConsole.MediaType.JSON);
        } finally {
            looked.countDown();
        }

        assertThat(text).contains("Agent bob@corp.example (component msnftp)",
                "Listening: 127.0.0.1:" + BOB_PORT + "/udp", "Registration: none (no registrar configured)",
                "Agent alice@corp.example", "Listening: 127.0.0.1:" + ALICE_PORT + "/udp", "Transfers in flight: 1");
        assertThat(text).containsPattern("receiving report\\.pdf from alice@corp\\.example: [0-9.]+ [kM]?B of 2\\.1 MB "
                                         + "\\([0-9]+%\\), [0-9.]+ [kMG]?B/s, .* left, flow B, MSNFTP, ACCEPTED, cookie [0-9]+");
        assertThat(text).containsPattern("sending report\\.pdf to bob@127\\.0\\.0\\.1: .*flow B, MSNFTP, ACCEPTED");

        List<Map<String, Object>> agents = (List<Map<String, Object>>) json.get("agents");
        Map<String, Object> bob = agents.stream().filter(agent -> "bob@corp.example".equals(agent.get("identity")))
                .findFirst().orElseThrow();
        assertThat(bob).containsEntry("listeningPoint", "127.0.0.1:" + BOB_PORT + "/udp").containsEntry("running", true);
        assertThat((Map<String, Object>) bob.get("registration")).containsEntry("state", "NOT_CONFIGURED");
        List<Map<String, Object>> transfers = (List<Map<String, Object>>) bob.get("transfers");
        assertThat(transfers).singleElement().satisfies(transfer -> {
            assertThat(transfer).containsEntry("direction", "RECEIVE").containsEntry("peer", "alice@corp.example")
                    .containsEntry("fileName", "report.pdf").containsEntry("size", (long) SIZE)
                    .containsEntry("flow", "B").containsEntry("dialect", "MSNFTP").containsEntry("state", "ACCEPTED");
            assertThat((Long) transfer.get("bytes")).isBetween(1L, SIZE - 1L);
            assertThat((Long) transfer.get("bytesPerSecond")).isPositive();
        });

        assertThat(sending.get(10, TimeUnit.SECONDS).getException()).isNull();
        received.assertIsSatisfied(10_000);
        // the second offer is declined (over maxFileSize): counted on both agents
        assertThat(template.send("direct:send", exchange -> exchange.getIn().setBody(new byte[SIZE + 1])).getException())
                .isNotNull();

        String after = (String) console().call(DevConsole.MediaType.TEXT);
        assertThat(after).contains("Transfers in flight: 0",
                "Totals: offered 2, accepted 1, rejected 1, completed 1, failed 0, 2.1 MB");
        Map<String, Object> afterJson = (Map<String, Object>) console().call(DevConsole.MediaType.JSON);
        Map<String, Object> bobAfter = ((List<Map<String, Object>>) afterJson.get("agents")).stream()
                .filter(agent -> "bob@corp.example".equals(agent.get("identity"))).findFirst().orElseThrow();
        assertThat((Map<String, Object>) bobAfter.get("totals")).containsEntry("offered", 2L).containsEntry("accepted", 1L)
                .containsEntry("rejected", 1L).containsEntry("completed", 1L).containsEntry("failed", 0L)
                .containsEntry("bytes", (long) SIZE);
    }
}
