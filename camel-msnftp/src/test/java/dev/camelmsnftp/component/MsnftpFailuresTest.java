package dev.camelmsnftp.component;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.CancelCode;
import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.protocol.MsnftpSender;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferCancelledException;
import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rejections and failures surface as the SPEC's exception types with the right headers; nothing is left behind. */
class MsnftpFailuresTest extends MsnftpTestSupport {


    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "maxFileSize=1000000&exceptionHandler=#failures")).routeId("bob")
                        .process(checksum()).to("mock:received");
            }
        };
    }

    private Exchange sendTo(String uri, Object body, String name) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    @Test
    void aFileOverMaxFileSizeIsRejectedWithItsCancelCode() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);
        Exchange sent = sendTo(toBob(""), new byte[1_000_001], "big.bin");
        assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class, e -> {
            assertThat(e.cancelCode()).contains("REJECT");
            assertThat(e.getMessage()).contains("REJECT");
        });
        assertThat(sent.getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo("REJECT");
        assertThat(sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class)).isPositive();
        received.assertIsSatisfied();
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutAndGetsCancelTimeout() throws Exception {
        try (ScriptedPeer silent = new ScriptedPeer("dave")) {
            Exchange sent = sendTo(alice(silent.address(), "acceptTimeout=1s"), "hello", "a.txt");
            assertThat(sent.getException()).isInstanceOfSatisfying(TransferTimeoutException.class,
                    e -> assertThat(e.phase()).isEqualTo(TransferException.Phase.ANSWER));
            ScriptedPeer.Received invite = silent.next(Duration.ofSeconds(5));
            assertThat(invite.invitation().command()).isEqualTo(InvitationCommand.INVITE);
            ScriptedPeer.Received cancel = silent.next(Duration.ofSeconds(5));
            assertThat(cancel.invitation().command()).isEqualTo(InvitationCommand.CANCEL);
            assertThat(cancel.invitation().cookie()).isEqualTo(invite.invitation().cookie());
            assertThat(cancel.invitation().cancelCode()).contains(CancelCode.TIMEOUT);
        }
    }

    @ParameterizedTest(name = "flow {0}, {1}")
    @MethodSource("flowsAndDialects")
    void aReceiverThatCancelsMidTransferWithCclFailsTheProducer(Flow flow, Dialect dialect) throws Exception {
        try (ScriptedPeer erin = new ScriptedPeer("erin")) {
            CompletableFuture<Exchange> producer = CompletableFuture.supplyAsync(() -> sendTo(
                    alice(erin.address(), sending(flow, dialect, SipMode.SESSION)), new byte[8 * 1024 * 1024], "big.bin"));
            try (ScriptedPeer.Wire wire = erin.receive(erin.next(Duration.ofSeconds(5)), flow, dialect)) {
                wire.read(3 * 2048);
                wire.line("CCL");
                Exception failure = producer.get(15, TimeUnit.SECONDS).getException();
                assertThat(failure).isInstanceOfSatisfying(TransferCancelledException.class, e -> {
                    assertThat(e.byPeer()).isTrue();
                    assertThat(e.phase()).isEqualTo(TransferException.Phase.TRANSFER);
                });
            }
            assertThat(erin.quietFor(Duration.ofMillis(300))).as("no CANCEL: erin ended it herself").isEmpty();
        }
    }

    @Test
    void aSenderThatVanishesMidTransferProducesNoExchangeAndLeavesNoFile() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(0);
        try (ScriptedPeer sender = new ScriptedPeer("frank")) {
            long cookie = Cookies.next();
            sender.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(cookie, "half.bin", 100_000).connectivityN()
                    .build());
            ScriptedPeer.Received accept = sender.next(Duration.ofSeconds(5));
            assertThat(accept.invitation().offersToListen()).isTrue();
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), accept.invitation().port().getAsInt());
            try (ScriptedPeer.Wire wire = new ScriptedPeer.Wire(socket)) {
                assertThat(wire.readLine()).isEqualTo("VER MSNFTP");
                wire.line("VER MSNFTP");
                assertThat(wire.readLine()).startsWith("USR bob@corp.example ");
                wire.line("FIL 100000");
                assertThat(wire.readLine()).isEqualTo("TFR");
                byte[] block = new byte[2048];
                block[1] = (byte) 0xfd;
                block[2] = 0x07;
                wire.write(block);
                wire.reset();
            }
            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).isInstanceOf(TransferException.class);
            await("the partial file is removed").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(bobWorkDir()));
            received.assertIsSatisfied();
        }
    }

    @Test
    void anUnsafeOfferedNameIsDeliveredAsItsLeafWithTheOriginalKept() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        received.expectedHeaderReceived(Exchange.FILE_NAME, "passwd");
        received.expectedHeaderReceived(MsnftpConstants.ORIGINAL_FILE_NAME, "../../etc/passwd");
        byte[] content = "root:x:0:0\n".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedPeer sender = new ScriptedPeer("mallory"); ServerSocket unused = ScriptedPeer.listen()) {
            long cookie = Cookies.next();
            sender.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(cookie, "../../etc/passwd", content.length)
                    .connectivityN().build());
            Invitation accept = sender.next(Duration.ofSeconds(5)).invitation();
            java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                    new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), accept.port().getAsInt()));
            MsnftpSender.builder().peerUser("bob@corp.example").authCookie(accept.authCookie().getAsLong())
                    .source(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)), content.length)
                    .build().run(channel);
        }
        received.assertIsSatisfied(10_000);
    }
}
