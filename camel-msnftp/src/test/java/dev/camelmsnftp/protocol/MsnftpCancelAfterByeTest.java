package dev.camelmsnftp.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.TransferKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.ENCRYPTION_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.FILE;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.HASH_KEY;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.framed;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentMacLine;
import static dev.camelmsnftp.protocol.MsnftpTranscriptTest.independentRc4;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once the receiver has said {@code BYE 16777989}, the sender counts the file as delivered (SPEC 4: a success BYE
 * completes the transfer; pidgin-sipe, OCS and our own sender with acknowledge=afterReceive report success then). A
 * cancel on the receiver's side after that point (its route or context stopping) must not discard the file: in the
 * plain dialect it does not; in the encrypted one it did, because the receiver was still waiting for the MAC line.
 */
class MsnftpCancelAfterByeTest {

    private static final String USER = "bob@corp.example";
    private static final long COOKIE = 4242;

    private ExecutorService executor;
    private Loopback.RawPair pair;

    @BeforeEach
    void start() {
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (pair != null) {
            assertThat(pair.ours().isOpen()).as("our socket is closed").isFalse();
            pair.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aCancelAfterOurSuccessByeDoesNotDiscardTheFile(Dialect dialect) throws Exception {
        boolean secure = dialect == Dialect.MSN_SECURE_FTP;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        pair = Loopback.raw(false);
        RawPeer peer = new RawPeer(pair.peer());
        MsnftpReceiver receiver = MsnftpReceiver.builder().localUser(USER).authCookie(COOKIE)
                .sink(Channels.newChannel(received), FILE.length).keys(secure ? TransferKeys.of(ENCRYPTION_KEY, HASH_KEY) : null)
                .timeout(Duration.ofSeconds(5)).byeTimeout(Duration.ofSeconds(5)).build();
        Future<MsnftpResult> result = executor.submit(() -> receiver.run(pair.ours()));

        assertThat(peer.readLine()).isEqualTo("VER " + dialect + "\r\n");
        peer.send("VER " + dialect + "\r\n");
        assertThat(peer.readLine()).isEqualTo("USR " + USER + " " + COOKIE + "\r\n");
        peer.send("FIL " + FILE.length + "\r\n");
        assertThat(peer.readLine()).isEqualTo("TFR\r\n");
        peer.send(framed(secure ? independentRc4(FILE) : FILE));
        // from here on the sender counts the file as delivered
        assertThat(peer.readLine()).isEqualTo("BYE 16777989\r\n");

        receiver.cancel();
        if (secure) {
            peer.send(independentMacLine(FILE));
        }

        assertThat(result.get(10, TimeUnit.SECONDS).bytes()).isEqualTo(FILE.length);
        assertThat(received.toByteArray()).isEqualTo(FILE);
    }
}
