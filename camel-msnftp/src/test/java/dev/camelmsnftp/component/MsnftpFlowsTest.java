package dev.camelmsnftp.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferListener;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every row of SPEC 3.1 through the Camel endpoints, plain and encrypted, session and pager mode, for files of 0 B,
 * 1 B, 2045 B and 5 MB: the file arrives intact, every header is set on both sides, and both sides ran the flow the
 * case asked for (seen through the component's transfer listener).
 */
class MsnftpFlowsTest extends MsnftpTestSupport {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob answers flows A and B; carol always offers to listen (flow C)
                from(bobReceives("*", "")).routeId("bob").process(checksum()).to("mock:received");
                from(carolReceives("alwaysListen=true")).routeId("carol").process(checksum()).to("mock:received");
            }
        };
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Flow flow : Flow.values()) {
            for (String encryption : new String[] { "disabled", "auto" }) {
                for (String mode : new String[] { "session", "pager" }) {
                    for (int size : new int[] { 0, 1, 2045, 5 * 1024 * 1024 }) {
                        cases.add(Arguments.of(flow, encryption, mode, size));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}, {3} bytes")
    @MethodSource("matrix")
    void fileArrivesIntactWithEveryHeader(Flow flow, String encryption, String mode, int size) throws Exception {
        Path source = randomFile("Résumé " + size + ".bin", size);
        String target = flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
        String uri = alice(target, "encryption=" + encryption + "&sipMode=" + mode + "&connectivity=" + (flow != Flow.B));
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        Map<Transfer.Direction, Transfer> finished = new ConcurrentHashMap<>();
        context.getComponent("msnftp", MsnftpComponent.class).addTransferListener(new TransferListener() {
            @Override
            public void finished(Transfer transfer) {
                finished.put(transfer.direction(), transfer);
            }
        });

        Exchange sent = template.send(uri, exchange -> {
            exchange.getIn().setBody(source.toFile());
            exchange.getIn().setHeader(Exchange.FILE_NAME, "sub/dir/" + source.getFileName());
        });
        assertThat(sent.getException()).isNull();
        MockEndpoint.assertIsSatisfied(context, 20, java.util.concurrent.TimeUnit.SECONDS);

        boolean encrypted = encryption.equals("auto");
        long cookie = sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class);
        assertThat(cookie).isBetween(1L, 4294967295L);
        assertThat(sent.getIn().getHeader(MsnftpConstants.FILE_LENGTH, Long.class)).isEqualTo(size);
        assertThat(sent.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class)).isEqualTo(16777989L);
        assertThat(sent.getIn().getHeader(MsnftpConstants.REMOTE_USER, String.class))
                .as("user@host, no sip:, no port").isEqualTo((flow == Flow.C ? "carol" : "bob") + "@127.0.0.1");
        assertThat(sent.getIn().getHeader(MsnftpConstants.FLOW)).isEqualTo(flow.name());
        assertThat(sent.getIn().getHeader(MsnftpConstants.ENCRYPTED, Boolean.class)).isEqualTo(encrypted);

        Exchange got = received.getReceivedExchanges().get(0);
        assertThat(got.getIn().getHeader(SHA256)).isEqualTo(sha256(source));
        assertThat(got.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class)).isEqualTo(cookie);
        assertThat(got.getIn().getHeader(Exchange.FILE_NAME)).isEqualTo(source.getFileName().toString());
        assertThat(got.getIn().getHeader(MsnftpConstants.ORIGINAL_FILE_NAME)).isEqualTo(source.getFileName().toString());
        assertThat(got.getIn().getHeader(MsnftpConstants.FILE_LENGTH, Long.class)).isEqualTo(size);
        assertThat(got.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class)).isEqualTo(16777989L);
        assertThat(got.getIn().getHeader(MsnftpConstants.REMOTE_USER)).isEqualTo("alice@corp.example");
        assertThat(got.getIn().getHeader(MsnftpConstants.FLOW)).isEqualTo(flow.name());
        assertThat(got.getIn().getHeader(MsnftpConstants.ENCRYPTED, Boolean.class)).isEqualTo(encrypted);
        assertThat(got.getFromRouteId()).isEqualTo(flow == Flow.C ? "carol" : "bob");
        await("both sides finished").atMost(Duration.ofSeconds(5)).until(() -> finished.size() == 2);
        finished.values().forEach(side -> {
            assertThat(side.cookie()).isEqualTo(cookie);
            assertThat(side.flow()).as("the flow the " + side.direction() + " side used").contains(flow);
        });

        Path receivedFile = Path.of(got.getIn().getHeader("receivedPath", String.class));
        await("the received file is deleted once its exchange completed").atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(receivedFile));
    }
}
