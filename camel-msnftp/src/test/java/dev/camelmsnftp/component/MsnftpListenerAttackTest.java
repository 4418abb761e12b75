package dev.camelmsnftp.component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.transfer.TransferException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whoever can reach an MSNFTP port can connect to it. Attacks on the receiver's listener (flow B) and on the sender's
 * (flow A): each connection ends quickly, no byte of a file goes to the attacker, nothing half-received is delivered,
 * and a transfer running beside it is not disturbed.
 */
class MsnftpListenerAttackTest extends MsnftpTestSupport {


    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "transferTimeout=2s&exceptionHandler=#failures")).process(checksum())
                        .to("mock:received");
            }
        };
    }

    /** What an attacker does on the receiver's port after bob has said {@code VER MSNFTP}. */
    enum ReceiverAttack {
        GARBAGE, IDLE, LINE_OF_ONE_MEGABYTE, BLOCK_HEADER_OF_65535, MORE_THAN_FIL;

        void run(Socket socket) throws IOException {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            readLine(in); // VER MSNFTP
            switch (this) {
                case GARBAGE -> out.write("\u0000\u00ff\u0013garbage\r\n".getBytes(StandardCharsets.ISO_8859_1));
                case IDLE -> {
                    // say nothing
                }
                case LINE_OF_ONE_MEGABYTE -> {
                    try {
                        out.write(new byte[1 << 20]);
                    } catch (SocketException closedOnUs) {
                        // bob hung up before the megabyte was through: that is the point
                    }
                }
                case BLOCK_HEADER_OF_65535, MORE_THAN_FIL -> {
                    out.write("VER MSNFTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    readLine(in); // USR bob@... <AuthCookie>
                    out.write("FIL 100\r\n".getBytes(StandardCharsets.US_ASCII));
                    readLine(in); // TFR
                    if (this == BLOCK_HEADER_OF_65535) {
                        out.write(new byte[] { 0, (byte) 0xff, (byte) 0xff });
                        out.write(new byte[2045]);
                    } else {
                        out.write(new byte[] { 0, (byte) 200, 0 });
                        out.write(new byte[200]);
                    }
                }
            }
            out.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(ReceiverAttack.class)
    void anAttackOnTheReceiversPortEndsThatTransferAloneAndDeliversNothing(ReceiverAttack attack) throws Exception {
        Path beside = randomFile("beside " + attack + ".bin", 3_000_000);
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        received.expectedHeaderReceived(Exchange.FILE_NAME, beside.getFileName().toString());
        try (ScriptedPeer mallory = new ScriptedPeer("mallory")) {
            mallory.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(Cookies.next(), "bait.bin", 100)
                    .connectivityN().build());
            Invitation accept = mallory.next(Duration.ofSeconds(5)).invitation();
            Future<Exchange> besideTransfer = template.asyncSend(toBob(""), exchange -> {
                exchange.getIn().setBody(beside.toFile());
            });

            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), accept.port().getAsInt())) {
                socket.setSoTimeout(10_000);
                attack.run(socket);
                assertThat(drainsToEnd(socket.getInputStream())).as("bob hangs up").isTrue();
            }

            assertThat(consumerFailures.poll(10, TimeUnit.SECONDS)).isInstanceOf(TransferException.class);
            assertThat(besideTransfer.get(20, TimeUnit.SECONDS).getException()).as("the transfer beside it").isNull();
            received.assertIsSatisfied(10_000);
            assertThat(received.getReceivedExchanges().get(0).getIn().getHeader(SHA256)).isEqualTo(sha256(beside));
            await("no partial file left").atMost(Duration.ofSeconds(5)).until(() -> isEmptyDir(bobWorkDir()));
        }
    }

    @Test
    void aSecondConnectionToAPortInUseIsRefused() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedMessageCount(1);
        byte[] content = new byte[50_000];
        try (ScriptedPeer sam = new ScriptedPeer("sam")) {
            sam.send("sip:bob@127.0.0.1:" + BOB_PORT, Invitation.invite(Cookies.next(), "sam.bin", content.length)
                    .connectivityN().build());
            Invitation accept = sam.next(Duration.ofSeconds(5)).invitation();
            int port = accept.port().getAsInt();
            try (Socket legit = new Socket(InetAddress.getLoopbackAddress(), port);
                 ScriptedPeer.Wire wire = new ScriptedPeer.Wire(legit)) {
                assertThat(wire.readLine()).isEqualTo("VER MSNFTP");

                try (Socket second = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    second.setSoTimeout(5_000);
                    assertThat(drainsToEnd(second.getInputStream())).as("closed without a byte").isTrue();
                } catch (IOException refused) {
                    // refused outright: the listener was already closed
                }

                wire.line("VER MSNFTP");
                assertThat(wire.readLine()).startsWith("USR bob@corp.example ");
                wire.line("FIL " + content.length);
                assertThat(wire.readLine()).isEqualTo("TFR");
                for (int sent = 0; sent < content.length; sent += 2045) {
                    int length = Math.min(2045, content.length - sent);
                    wire.write(new byte[] { 0, (byte) (length & 0xff), (byte) (length >> 8) });
                    wire.write(java.util.Arrays.copyOfRange(content, sent, sent + length));
                }
                assertThat(wire.readLine()).isEqualTo("BYE 16777989");
            }
        }
        received.assertIsSatisfied(10_000);
    }

    /** What an attacker presents on the sender's port (flow A, alice listens) after alice's VER. */
    enum SenderAttack {
        WRONG_AUTH_COOKIE, WRONG_USER, GARBAGE, LINE_OF_ONE_MEGABYTE, CLOSE_AT_ONCE, IDLE
    }

    @Test
    void attacksOnTheSendersPortGetNothingAndTheRealReceiverStillGetsTheFile() throws Exception {
        byte[] content = new byte[30_000];
        new java.util.Random(3).nextBytes(content);
        try (ScriptedPeer victor = new ScriptedPeer("victor")) {
            Future<Exchange> sending = template.asyncSend(alice(victor.address(),
                    "connectivity=true&acceptTimeout=30s&transferTimeout=30s"),
                    exchange -> exchange.getIn().setBody(content));
            ScriptedPeer.Received invite = victor.next(Duration.ofSeconds(5));
            invite.reply(Invitation.accept(invite.invitation().cookie()).build());
            Invitation aliceListens = victor.next(Duration.ofSeconds(5)).invitation();
            int port = aliceListens.port().getAsInt();
            long authCookie = aliceListens.authCookie().getAsLong();

            for (SenderAttack attack : SenderAttack.values()) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    switch (attack) {
                        case WRONG_AUTH_COOKIE -> out.write(("VER MSNFTP\r\nUSR victor@corp.example " + (authCookie ^ 1)
                                                             + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        case WRONG_USER -> out.write(("VER MSNFTP\r\nUSR mallory@corp.example " + authCookie + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        case GARBAGE -> out.write("\u0001\u0002 not MSNFTP\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        case LINE_OF_ONE_MEGABYTE -> {
                            try {
                                out.write(new byte[1 << 20]);
                            } catch (SocketException closedOnUs) {
                                // alice hung up first
                            }
                        }
                        case CLOSE_AT_ONCE -> socket.shutdownOutput();
                        case IDLE -> {
                            // say nothing: alice gives up on this one after 5 s, long before transferTimeout (30 s)
                        }
                    }
                    long start = System.nanoTime();
                    String answer = readAll(socket.getInputStream());
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s dropped soon", attack)
                            .isLessThan(Duration.ofSeconds(10));
                    assertThat(answer).as(attack.toString()).doesNotContain("FIL");
                    assertThat(answer.length()).as("at most alice's VER line").isLessThanOrEqualTo("VER MSNFTP\r\n".length());
                }
            }

            // the real receiver: still welcome, and gets every byte
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                 ScriptedPeer.Wire wire = new ScriptedPeer.Wire(socket)) {
                wire.line("VER MSNFTP");
                assertThat(wire.readLine()).isEqualTo("VER MSNFTP");
                wire.line("USR victor@corp.example " + authCookie);
                assertThat(wire.readLine()).isEqualTo("FIL " + content.length);
                wire.line("TFR");
                byte[] got = wire.readData(content.length);
                assertThat(got).isEqualTo(content);
                wire.line("BYE 16777989");
            }
            assertThat(sending.get(10, TimeUnit.SECONDS).getException()).isNull();
        }
    }

    private static boolean drainsToEnd(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[4096];
            for (int i = 0; i < 1000; i++) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        try {
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0 && text.length() < 100_000; n = in.read(buffer)) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException reset) {
            // reset by alice: what came before still counts
        }
        return text.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 1000; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
