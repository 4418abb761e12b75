package dev.camelmsnftp.component;

import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.protocol.MsnftpResult;
import dev.camelmsnftp.protocol.MsnftpSender;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * acknowledge=afterRoute through real endpoints, in every flow, both dialects and both SIP modes: a route that fails
 * after the file arrived fails the producer with TransferFailedException (BYE or ACK 2147500037), Camel's redelivery
 * sends the file again and the second attempt arrives, and the failed copy is kept in moveFailed with its headers.
 * With acknowledge=afterReceive on either side the producer succeeds as before and the copy is kept all the same. Peers
 * that do not know the confirmation see exactly the exchange they always saw.
 */
class MsnftpAcknowledgeTest extends MsnftpTestSupport {

    static final long NOT_DELIVERED = 2147500037L;
    static final int DAVE_PORT = dev.camelmsnftp.testsupport.FreePorts.udpAndTcp();
    /** The exceptions of the attempts that Camel redelivered, in order. */
    private final List<Throwable> redelivered = new CopyOnWriteArrayList<>();
    /** Names whose first exchange already failed. */
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    /** The first exchange of every file fails after the file arrived; later ones go through. */
    private Processor failsTheFirstTime() {
        return exchange -> {
            String name = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
            if (failedOnce.add(name)) {
                throw new IllegalStateException("the first exchange of " + name + " fails");
            }
        };
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob answers flows A and B, carol always listens (flow C); both acknowledge afterRoute (the default)
                from(bobReceives("*", "exceptionHandler=#failures")).routeId("bob").process(failsTheFirstTime())
                        .process(checksum()).to("mock:delivered");
                from(carolReceives("alwaysListen=true&exceptionHandler=#failures")).routeId("carol")
                        .process(failsTheFirstTime()).process(checksum()).to("mock:delivered");
                // dave keeps failed files in his work directory itself
                from(uri("*", "dave", DAVE_PORT, "moveFailed=false&exceptionHandler=#failures")).routeId("dave")
                        .process(failsTheFirstTime()).to("mock:delivered");
                // a sender that redelivers
                from("direct:send").errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0)
                        .onRedelivery(exchange -> redelivered.add(exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                                Throwable.class))))
                        .toD("${header.target}");
            }
        };
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Flow flow : Flow.values()) {
            for (String encryption : new String[] { "disabled", "auto" }) {
                for (String mode : new String[] { "session", "pager" }) {
                    cases.add(Arguments.of(flow, encryption, mode));
                }
            }
        }
        return cases.stream();
    }

    private static String target(Flow flow) {
        return flow == Flow.C ? "sip:carol@127.0.0.1:" + CAROL_PORT : "sip:bob@127.0.0.1:" + BOB_PORT;
    }

    private static Path failedFolder(Flow flow) {
        return work.resolve(flow == Flow.C ? "carol" : "bob").resolve(".failed");
    }

    private static Properties sidecar(Path kept) throws Exception {
        Properties headers = new Properties();
        try (var in = new InputStreamReader(new FileInputStream(FailedFiles.sidecarOf(kept).toFile()),
                StandardCharsets.UTF_8)) {
            headers.load(in);
        }
        return headers;
    }

    /** Over 1 MiB, so that the encrypted dialect runs its pipeline (a second thread for the MAC) too. */
    private static byte[] content(String name) {
        byte[] bytes = new byte[1_100_000];
        new Random(name.hashCode()).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}")
    @MethodSource("matrix")
    void aRouteFailureAfterArrivalFailsTheProducerAndTheRedeliveryArrives(Flow flow, String encryption, String mode)
            throws Exception {
        String name = "after-route-" + flow + "-" + encryption + "-" + mode + ".bin";
        byte[] bytes = content(name);
        MockEndpoint delivered = getMockEndpoint("mock:delivered");
        delivered.expectedHeaderReceived(Exchange.FILE_NAME, name);
        delivered.expectedMessageCount(1);
        String uri = alice(target(flow), "encryption=" + encryption + "&sipMode=" + mode + "&connectivity=" + (flow != Flow.B));

        Exchange sent = template.send("direct:send", exchange -> {
            exchange.getIn().setBody(bytes);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
            exchange.getIn().setHeader("target", uri);
        });

        assertThat(sent.getException()).as("the redelivery went through").isNull();
        assertThat(redelivered).as("one redelivery, for the producer's TransferFailedException").singleElement()
                .isInstanceOfSatisfying(TransferFailedException.class,
                        e -> assertThat(e.byeCode()).hasValue(NOT_DELIVERED));
        assertThat(sent.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class)).isEqualTo(1);
        assertThat(sent.getIn().getHeader(MsnftpConstants.ACKNOWLEDGE)).isEqualTo("afterRoute");
        assertThat(sent.getIn().getHeader(MsnftpConstants.FLOW)).isEqualTo(flow.name());
        assertThat(sent.getIn().getHeader(MsnftpConstants.ENCRYPTED)).isEqualTo(encryption.equals("auto"));
        delivered.assertIsSatisfied(10_000);
        assertThat(delivered.getReceivedExchanges().get(0).getIn().getHeader(SHA256)).isEqualTo(sha256(write(bytes)));

        Path kept = failedFolder(flow).resolve(name);
        assertThat(Files.readAllBytes(kept)).as("the failed copy, kept").isEqualTo(bytes);
        Properties headers = sidecar(kept);
        assertThat(headers.getProperty(MsnftpConstants.REMOTE_USER)).isEqualTo("alice@corp.example");
        assertThat(headers.getProperty(MsnftpConstants.FILE_LENGTH)).isEqualTo("1100000");
        assertThat(headers.getProperty(MsnftpConstants.FLOW)).isEqualTo(flow.name());
        assertThat(headers.getProperty(MsnftpConstants.INVITATION_COOKIE)).as("the first transfer's cookie")
                .isNotEqualTo(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, String.class));
        assertThat(headers.getProperty("failure")).contains("the first exchange of " + name + " fails");
    }

    @ParameterizedTest(name = "flow {0}, encryption={1}, {2}")
    @MethodSource("matrix")
    void withAfterReceiveTheProducerSucceedsAndTheFailedCopyIsKept(Flow flow, String encryption, String mode)
            throws Exception {
        String name = "after-receive-" + flow + "-" + encryption + "-" + mode + ".bin";
        byte[] bytes = content(name);
        String uri = alice(target(flow), "acknowledge=afterReceive&encryption=" + encryption + "&sipMode=" + mode
                                         + "&connectivity=" + (flow != Flow.B));

        Exchange sent = template.send(uri, exchange -> {
            exchange.getIn().setBody(bytes);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });

        assertThat(sent.getException()).as("told as soon as the bytes were in").isNull();
        assertThat(sent.getIn().getHeader(MsnftpConstants.ACKNOWLEDGE)).isEqualTo("afterReceive");
        assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).hasMessageContaining("the first exchange of " + name);
        Path kept = failedFolder(flow).resolve(name);
        org.awaitility.Awaitility.await("the failed copy is kept").atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(FailedFiles.sidecarOf(kept)));
        assertThat(Files.readAllBytes(kept)).isEqualTo(bytes);
    }

    /**
     * moveFailed=false keeps the file in the work directory itself, under its plain name: not under its temporary
     * name, which the work directory's clean-up at the next start would take for a leftover and delete.
     */
    @org.junit.jupiter.api.Test
    void withMoveFailedOffTheFileStaysInTheWorkDirectoryUnderItsPlainName() throws Exception {
        byte[] bytes = content("kept-in-place.bin");
        Exchange sent = template.send(alice("sip:dave@127.0.0.1:" + DAVE_PORT, ""), exchange -> {
            exchange.getIn().setBody(bytes);
            exchange.getIn().setHeader(Exchange.FILE_NAME, "kept-in-place.bin");
        });

        assertThat(sent.getException()).isInstanceOf(TransferFailedException.class);
        Path kept = work.resolve("dave/kept-in-place.bin");
        assertThat(Files.readAllBytes(kept)).isEqualTo(bytes);
        assertThat(sidecar(kept).getProperty(MsnftpConstants.FILE_NAME)).isEqualTo("kept-in-place.bin");
        try (var files = Files.list(work.resolve("dave"))) {
            assertThat(files.map(path -> path.getFileName().toString())).as("no temporary file left")
                    .noneMatch(name -> name.startsWith("msnftp-"));
        }
    }

    private static Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile(work, "expected-", ".bin");
        return Files.write(file, bytes);
    }

    /**
     * A sender that does not know the confirmation (its INVITE has no Delivery-Ack, as pidgin-sipe's, aMSN's and
     * Communicator's): our ACCEPT has no Delivery-Ack either, and the BYE (and for the encrypted dialect the MAC after
     * it, with nothing after that) go as they always did, although the route then fails. The copy is kept.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "MSNFTP", "MSN_SECURE_FTP" })
    void aSenderThatDoesNotKnowTheConfirmationSeesWhatItAlwaysSaw(Dialect dialect) throws Exception {
        String name = "foreign-" + dialect + ".bin";
        byte[] bytes = content(name);
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            Invitation.Builder invite = Invitation.invite(Cookies.next(), name, bytes.length).connectivityN();
            if (dialect.encrypted()) {
                invite.encryption(true);
            }
            erin.send("sip:bob@127.0.0.1:" + BOB_PORT, invite.build());
            Invitation accept = erin.next(Duration.ofSeconds(10)).invitation();
            assertThat(accept.command()).isEqualTo(InvitationCommand.ACCEPT);
            assertThat(accept.deliveryAck()).as("no promise to a sender that did not ask").isEmpty();
            assertThat(accept.keys().isPresent()).isEqualTo(dialect.encrypted());

            MsnftpResult result;
            try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    accept.port().getAsInt()))) {
                result = MsnftpSender.builder().peerUser("bob@corp.example").authCookie(accept.authCookie().getAsLong())
                        .keys(accept.keys().orElse(null)).source(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)),
                                bytes.length).build().run(channel);
            }
            assertThat(result.byeCode()).as("BYE at once, as always").isEqualTo(16777989L);
            assertThat(result.outcome()).isEqualTo(-1);
        }
        assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).hasMessageContaining("the first exchange of " + name);
        Path kept = failedFolder(Flow.B).resolve(name);
        org.awaitility.Awaitility.await("the failed copy is kept").atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(FailedFiles.sidecarOf(kept)));
        assertThat(Files.readAllBytes(kept)).isEqualTo(bytes);
    }

    /**
     * A receiver that does not know the confirmation (its ACCEPT has no Delivery-Ack): our producer asked
     * (Delivery-Ack: Supported), is not promised, and succeeds on the BYE (and MAC) as it always did, saying so in
     * CamelMsnftpAcknowledge.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "MSNFTP", "MSN_SECURE_FTP" })
    void aReceiverThatDoesNotKnowTheConfirmationIsServedAsBefore(Dialect dialect) throws Exception {
        try (ScriptedPeer frank = new ScriptedPeer("frank")) {
            Thread receiving = new Thread(() -> {
                try {
                    ScriptedPeer.Received invite = frank.next(Duration.ofSeconds(10));
                    assertThat(invite.invitation().senderAwaitsDelivery()).as("our INVITE asks").isTrue();
                    try (ScriptedPeer.Wire wire = frank.receive(invite, Flow.B, dialect)) {
                        wire.read(5000 + 9);
                        wire.line("BYE 16777989");
                        if (dialect.encrypted()) {
                            assertThat(wire.readLine()).startsWith("MAC ");
                        }
                        assertThat(wire.in.read()).as("nothing after: no wait for an ACK").isEqualTo(-1);
                    }
                } catch (Throwable e) {
                    consumerFailures.add(e);
                }
            });
            receiving.start();
            Exchange sent = template.send(alice(frank.address(), "encryption=" + (dialect.encrypted() ? "required" : "disabled")),
                    exchange -> exchange.getIn().setBody(new byte[5000]));
            receiving.join(20_000);

            assertThat(consumerFailures).isEmpty();
            assertThat(sent.getException()).isNull();
            assertThat(sent.getIn().getHeader(MsnftpConstants.ACKNOWLEDGE)).isEqualTo("afterReceive");
        }
    }
}
