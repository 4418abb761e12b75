package dev.camelmsnftp.component;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.protocol.MsnftpReceiver;
import dev.camelmsnftp.protocol.MsnftpSender;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferFailedException;
import dev.camelmsnftp.transfer.TransferProtocolException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

    static Stream<Arguments> receiverListensAndDialects() {
        return flowsAndDialects().filter(row -> ((Flow) row.get()[0]).receiverListens());
    }

    /**
     * A hostile receiver's ACCEPT points at an address that is not its own (here ::1, a service of the machine we run
     * on, while its SIP came from 127.0.0.1): the producer refuses to connect there, says CANCEL REJECT, and reports
     * it; nothing connects to that address.
     */
    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("receiverListensAndDialects")
    void theProducerDoesNotConnectWhereAHostileAcceptPoints(Flow flow, Dialect dialect) throws Exception {
        try (ScriptedPeer mallory = new ScriptedPeer("mallory"); ServerSocketChannel elsewhere = listenOnIpv6Loopback()) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(mallory.address(), sending(flow, dialect, SipMode.SESSION)),
                    exchange -> exchange.getIn().setBody("not for mallory's friends")));
            ScriptedPeer.Received invite = mallory.next(Duration.ofSeconds(5));
            Invitation.Builder accept = Invitation.listeningAccept(invite.invitation().cookie(), "::1",
                    ((InetSocketAddress) elsewhere.getLocalAddress()).getPort(), 77).senderConnect();
            invite.reply((dialect.encrypted() ? accept.keys(TransferKeys.random()) : accept).build());

            assertThat(producer.get(15, TimeUnit.SECONDS).getException()).isInstanceOfSatisfying(
                    TransferRejectedException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
                        assertThat(e.getMessage()).contains("not an address of the peer");
                    });
            assertThat(mallory.next(Duration.ofSeconds(5)).invitation().cancelCode()).contains(CancelCode.REJECT);
            assertThat(elsewhere.accept()).as("no connection to where the ACCEPT pointed").isNull();
        }
    }

    /** The same for the consumer in flow A, where it connects to where the sender's ACCEPT points. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void theConsumerDoesNotConnectWhereAHostileAcceptPoints(Dialect dialect) throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);
        try (ScriptedPeer mallory = new ScriptedPeer("mallory"); ServerSocketChannel elsewhere = listenOnIpv6Loopback()) {
            Invitation.Builder invite = Invitation.invite(Cookies.next(), "gift.bin", 1000);
            mallory.send(receiverFor(Flow.A), (dialect.encrypted() ? invite.encryption(true) : invite).build());
            ScriptedPeer.Received accept = mallory.next(Duration.ofSeconds(5));
            accept.reply(Invitation.listeningAccept(accept.invitation().cookie(), "::1",
                    ((InetSocketAddress) elsewhere.getLocalAddress()).getPort(), 77).build());

            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferRejectedException.class,
                    e -> {
                        assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
                        assertThat(e.getMessage()).contains("not an address of the peer");
                    });
            assertThat(mallory.next(Duration.ofSeconds(5)).invitation().cancelCode()).contains(CancelCode.REJECT);
            assertThat(elsewhere.accept()).as("no connection to where the ACCEPT pointed").isNull();
        }
        MockEndpoint.assertIsSatisfied(context);
    }

    static Stream<Arguments> receiverListensDialectsAndFields() {
        return receiverListensAndDialects().flatMap(row -> Stream.of("IP-Address", "IP-Address-Internal")
                .map(field -> Arguments.of(row.get()[0], row.get()[1], field)));
    }

    /**
     * A receiver's ACCEPT that gives a host name instead of an IP address: the name is never looked up (a hostile peer
     * would make our host ask the DNS what it likes, and hold the transfer for as long as the resolver takes), the
     * transfer fails at once as a protocol error naming the field, the peer gets CANCEL FAIL. The name here is
     * {@code localhost}, which would resolve to the peer's own address and pass ftpPeerAddresses, where a socket
     * listens: nothing connects to it.
     */
    @ParameterizedTest(name = "flow {0}, {1}, name in {2}")
    @MethodSource("receiverListensDialectsAndFields")
    void theProducerDoesNotLookUpANameInTheAccept(Flow flow, Dialect dialect, String field) throws Exception {
        try (ScriptedPeer mallory = new ScriptedPeer("mallory"); ServerSocketChannel listening = listenOnLoopback()) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(mallory.address(), sending(flow, dialect, SipMode.SESSION)),
                    exchange -> exchange.getIn().setBody("not for a name")));
            ScriptedPeer.Received invite = mallory.next(Duration.ofSeconds(5));
            Invitation.Builder accept = acceptNaming(invite.invitation().cookie(), listening, field).senderConnect();
            invite.reply((dialect.encrypted() ? accept.keys(TransferKeys.random()) : accept).build());

            assertThat(producer.get(15, TimeUnit.SECONDS).getException()).isInstanceOfSatisfying(
                    TransferProtocolException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
                        assertThat(e.getMessage()).contains(field + " \"localhost\" is not an IP address");
                    });
            assertThat(mallory.next(Duration.ofSeconds(5)).invitation().cancelCode()).contains(CancelCode.FAIL);
            assertThat(listening.accept()).as("no connection to where the name pointed").isNull();
        }
    }

    /** The same for the consumer in flow A, where the sender's ACCEPT says where to connect. */
    @ParameterizedTest(name = "{0}, name in {1}")
    @MethodSource("dialectsAndFields")
    void theConsumerDoesNotLookUpANameInTheAccept(Dialect dialect, String field) throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);
        try (ScriptedPeer mallory = new ScriptedPeer("mallory"); ServerSocketChannel listening = listenOnLoopback()) {
            Invitation.Builder invite = Invitation.invite(Cookies.next(), "gift.bin", 1000);
            mallory.send(receiverFor(Flow.A), (dialect.encrypted() ? invite.encryption(true) : invite).build());
            ScriptedPeer.Received accept = mallory.next(Duration.ofSeconds(5));
            accept.reply(acceptNaming(accept.invitation().cookie(), listening, field).build());

            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                    TransferProtocolException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.CONNECTION);
                        assertThat(e.getMessage()).contains(field + " \"localhost\" is not an IP address");
                    });
            assertThat(mallory.next(Duration.ofSeconds(5)).invitation().cancelCode()).contains(CancelCode.FAIL);
            assertThat(listening.accept()).as("no connection to where the name pointed").isNull();
        }
        MockEndpoint.assertIsSatisfied(context);
    }

    static Stream<Arguments> dialectsAndFields() {
        return Stream.of(Dialect.values()).flatMap(dialect -> Stream.of("IP-Address", "IP-Address-Internal")
                .map(field -> Arguments.of(dialect, field)));
    }

    /** A listening ACCEPT for {@code listening} on 127.0.0.1, with {@code localhost} in {@code field} instead. */
    private static Invitation.Builder acceptNaming(long cookie, ServerSocketChannel listening, String field)
            throws IOException {
        int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
        boolean external = field.equals("IP-Address");
        Invitation.Builder accept = Invitation.listeningAccept(cookie, external ? "localhost" : "127.0.0.1", port, 77);
        return accept.internalAddress(external ? "127.0.0.1" : "localhost", port);
    }

    /**
     * Our listener takes only a connection from the peer's address: one from elsewhere (127.0.0.2, while the sender's
     * SIP came from 127.0.0.1) that comes first is closed without a byte, and the real sender is served after it.
     */
    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("receiverListensAndDialects")
    void theConsumersListenerTakesOnlyTheSendersAddress(Flow flow, Dialect dialect) throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        try (ScriptedPeer sam = new ScriptedPeer("sam")) {
            Invitation.Builder invite = Invitation.invite(Cookies.next(), "real.bin", 5000);
            if (flow == Flow.B) {
                invite.connectivityN();
            }
            sam.send(receiverFor(flow), (dialect.encrypted() ? invite.encryption(true) : invite).build());
            Invitation accept = sam.next(Duration.ofSeconds(5)).invitation();
            try (Socket intruder = connectFromElsewhere(accept.port().getAsInt())) {
                assertThat(hungUpWithoutAByte(intruder)).as("the intruder gets not a byte").isTrue();
            }
            SocketChannel real = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    accept.port().getAsInt()));
            byte[] file = new byte[5000];
            MsnftpSender.builder().peerUser((flow == Flow.C ? "carol" : "bob") + "@corp.example").authCookie(accept.authCookie().getAsLong())
                    .keys(accept.keys().orElse(null)).source(Channels.newChannel(new ByteArrayInputStream(file)), file.length)
                    .build().run(real);
        }
        received.assertIsSatisfied(10_000);
    }

    /** The producer's listener in flow A, likewise: the intruder's VER gets no answer, the real receiver its file. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void theProducersListenerTakesOnlyTheReceiversAddress(Dialect dialect) throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> template.send(
                    alice(erin.address(), sending(Flow.A, dialect, SipMode.SESSION)),
                    exchange -> exchange.getIn().setBody(new byte[5000])));
            ScriptedPeer.Received invite = erin.next(Duration.ofSeconds(5));
            TransferKeys keys = dialect.encrypted() ? TransferKeys.random() : null;
            Invitation.Builder plainAccept = Invitation.accept(invite.invitation().cookie());
            invite.reply((keys == null ? plainAccept : plainAccept.keys(keys)).build());
            Invitation listening = erin.next(Duration.ofSeconds(5)).invitation();
            try (Socket intruder = connectFromElsewhere(listening.port().getAsInt())) {
                intruder.getOutputStream().write(("VER " + dialect + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(hungUpWithoutAByte(intruder)).as("the intruder gets not a byte").isTrue();
            }
            try (FileChannel sink = FileChannel.open(work.resolve("erin-" + dialect), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                MsnftpReceiver.builder().localUser("erin@corp.example").authCookie(listening.authCookie().getAsLong())
                        .keys(keys).sink(sink, 5000).build()
                        .run(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                                listening.port().getAsInt())));
            }
            assertThat(producer.get(15, TimeUnit.SECONDS).getException()).isNull();
        }
    }

    /**
     * maxConcurrentTransfers bounds the endpoint, not each producer: two routes sending to one URI with
     * maxConcurrentTransfers=1 offer one file at a time. The receiver holds the first offer unanswered, so it stays in
     * flight; the second is offered only once the first ends. (The slot is taken before any flow is chosen, so one flow
     * shows it.)
     */
    @Test
    void maxConcurrentTransfersBoundsAllProducersOfOneEndpoint() throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            String to = alice(erin.address(), "maxConcurrentTransfers=1&acceptTimeout=20s");
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:one").routeId("one").to(to);
                    from("direct:two").routeId("two").to(to);
                }
            });
            CompletableFuture<Exchange> one = template.asyncSend("direct:one", exchange -> {
                exchange.getIn().setBody("first");
                exchange.getIn().setHeader(Exchange.FILE_NAME, "one.txt");
            });
            CompletableFuture<Exchange> two = template.asyncSend("direct:two", exchange -> {
                exchange.getIn().setBody("second");
                exchange.getIn().setHeader(Exchange.FILE_NAME, "two.txt");
            });

            ScriptedPeer.Received first = erin.next(Duration.ofSeconds(10));
            assertThat(erin.quietFor(Duration.ofSeconds(1)))
                    .as("no second offer while the first holds the endpoint's only slot").isEmpty();
            first.reply(Invitation.cancel(first.invitation().cookie(), CancelCode.REJECT).build());
            ScriptedPeer.Received second = erin.next(Duration.ofSeconds(10));
            second.reply(Invitation.cancel(second.invitation().cookie(), CancelCode.REJECT).build());

            assertThat(Stream.of(first, second).map(r -> r.invitation().fileName().orElseThrow()))
                    .as("one offer from each route").containsExactlyInAnyOrder("one.txt", "two.txt");
            for (CompletableFuture<Exchange> sent : List.of(one, two)) {
                assertThat(sent.get(15, TimeUnit.SECONDS).getException()).isInstanceOf(TransferRejectedException.class);
            }
        }
    }

    /** A work directory others can write would let them replace a file between its arrival and the route. */
    @Test
    @EnabledOnOs({ OS.LINUX, OS.MAC })
    void aWorkDirectoryOthersCanWriteStopsTheRoute() throws Exception {
        Path shared = Files.createDirectories(work.resolve("shared-inbox"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", "wendy", FreePorts.udpAndTcp(), "workDir=" + shared)).routeId("wendy").to("mock:wendy");
            }
        };

        assertThatThrownBy(() -> context.addRoutes(route)).hasStackTraceContaining("msnftp option workDir")
                .hasStackTraceContaining("others can write it (rwxrwxrwx)");
    }

    /** One that becomes so while the route runs: each offer is then declined before a byte arrives. */
    @Test
    @EnabledOnOs({ OS.LINUX, OS.MAC })
    void aWorkDirectoryMadeWritableByOthersLaterDeclinesEachOffer() throws Exception {
        getMockEndpoint("mock:received").expectedMessageCount(0);
        Path bobs = Files.createDirectories(receiverWorkDir(Flow.B));
        Files.setPosixFilePermissions(bobs, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            Exchange sent = template.send(alice(receiverFor(Flow.B), ""), exchange -> exchange.getIn().setBody("x"));

            assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class,
                    e -> assertThat(e.cancelCode()).contains("FAIL"));
            assertThat(consumerFailures.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(TransferFailedException.class,
                    e -> assertThat(e.getMessage()).contains("others can write it"));
        } finally {
            Files.setPosixFilePermissions(bobs, PosixFilePermissions.fromString("rwx------"));
        }
        MockEndpoint.assertIsSatisfied(context);
    }

    /** Without workDir, a folder of this OS user's own in the temporary folder, created owner-only. */
    @Test
    @EnabledOnOs({ OS.LINUX, OS.MAC })
    void theDefaultWorkDirectoryIsPerUserAndOwnerOnly() throws Exception {
        String user = "wd" + ThreadLocalRandom.current().nextInt(1_000_000);
        int port = FreePorts.udpAndTcp();
        Path expected = Path.of(System.getProperty("java.io.tmpdir"), "camel-msnftp-" + System.getProperty("user.name"),
                user + "@corp.example");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", user, port, "").replaceAll("&workDir=[^&]*", "")).to("mock:defaultWorkDir");
            }
        });
        getMockEndpoint("mock:defaultWorkDir").expectedMessageCount(1);
        try {
            assertThat(template.send(alice("sip:" + user + "@127.0.0.1:" + port, ""),
                    exchange -> exchange.getIn().setBody("hello")).getException()).isNull();
            MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expected))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expected.getParent())))
                    .isEqualTo("rwx------");
        } finally {
            context.getRouteController().stopAllRoutes();
            Files.deleteIfExists(expected);
        }
    }

    private static ServerSocketChannel listenOnLoopback() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static ServerSocketChannel listenOnIpv6Loopback() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (IOException noIpv6) {
            channel.close();
            Assumptions.abort("no IPv6 loopback here: " + noIpv6);
        }
        channel.configureBlocking(false);
        return channel;
    }

    /** Whether the other side closed without sending anything: an end of stream, or a reset (our bytes unread). */
    private static boolean hungUpWithoutAByte(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** A connection to our listener on 127.0.0.1 from another loopback address than the peer's SIP. */
    private static Socket connectFromElsewhere(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        } catch (IOException notHere) {
            socket.close();
            Assumptions.abort("127.0.0.2 is not a loopback address here: " + notHere);
        }
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
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
