package dev.camelmsnftp.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.camelmsnftp.invite.TransferKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the MSNFTP state machines (Jazzer): the receiver's side of the conversation is whatever the
 * fuzzer makes of it, sent over a real loopback connection and then closed. The sender must end
 * with a result or an {@link MsnftpException} within their time-out; any other exception, or a hang, is a finding.
 * Every build replays the corpus; {@code mvn -Pfuzz verify} fuzzes.
 */
class MsnftpSenderFuzzTest {

    private static final long AUTH_COOKIE = 4242;
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static TransferKeys keys;
    private static ServerSocketChannel server;

    @BeforeAll
    static void listen() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        keys = TransferKeys.of(new byte[24], new byte[24]);
    }

    @AfterAll
    static void close() throws IOException {
        server.close();
    }

    @FuzzTest(maxDuration = "10s")
    void senderEndsCleanlyWhateverTheReceiverSays(FuzzedDataProvider data) throws Exception {
        int size = data.consumeInt(0, 10_000);
        boolean encrypted = data.consumeBoolean();
        byte[] peer = data.consumeRemainingAsBytes();
        try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            client.write(ByteBuffer.wrap(peer));
            client.shutdownOutput();
            MsnftpSender.Builder sender = MsnftpSender.builder().peerUser("bob@corp.example").authCookie(AUTH_COOKIE)
                    .source(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[size])), size)
                    .timeout(TIMEOUT).byeTimeout(TIMEOUT);
            if (encrypted) {
                sender.keys(keys);
            }
            try {
                sender.build().run(accepted);
            } catch (MsnftpException expected) {
                // a clean, typed failure
            }
        }
    }
}
