package dev.camelmsnftp.protocol;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.testsupport.SipePeer;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a test of ours (off unless {@code -Dmsnftp.sipe.byewait=true}): how long pidgin-sipe's sender waits
 * for the receiver's BYE after the last block. Our raw receiver takes sipe's file, holds the BYE for the given number
 * of seconds, then sends it and reads the MAC; sipe's driver exits 0 when it counted the transfer a success. The
 * figures are on the protocol page (what a held BYE would do to such peers, and why we never hold it for them).
 */
@EnabledIfSystemProperty(named = "msnftp.sipe.byewait", matches = "true")
class SipeByeWaitMeasurement {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "BYE after {0} s")
    @ValueSource(ints = { 0, 5, 9, 11, 15 })
    void howLongSipeWaitsForBye(int holdSeconds) throws Exception {
        SipePeer.assumeInstalled();
        TransferKeys keys = TransferKeys.random();
        long cookie = Cookies.next() % 100_000;
        SipePeer.Settings settings = new SipePeer.Settings(keys.encryptionKey(), keys.hashKey(), cookie,
                "sipe@example.com", "sip:ours@example.com");
        int size = 10_000;
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        Path source = Files.write(dir.resolve("in.bin"), bytes);
        int port = SipePeer.freePort();
        try (SipePeer sipe = SipePeer.send(settings, port, source, dir)) {
            sipe.awaitListening(Duration.ofSeconds(30));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(60_000);
                RawPeer receiver = new RawPeer(socket);
                receiver.send("VER MSN_SECURE_FTP\r\n");
                assertThat(receiver.readLine()).isEqualTo("VER MSN_SECURE_FTP\r\n");
                receiver.send("USR ours@example.com " + cookie + "\r\n");
                assertThat(receiver.readLine()).isEqualTo("FIL " + size + "\r\n");
                receiver.send("TFR\r\n");
                receiver.read(size + 3 * ((size + 2044) / 2045));
                long start = System.nanoTime();
                Thread.sleep(holdSeconds * 1000L); // the hold being measured, not synchronisation
                receiver.send("BYE 16777989\r\n");
                String mac;
                try {
                    mac = receiver.readLine();
                } catch (java.net.SocketException reset) {
                    mac = "";
                }
                int exit = sipe.awaitExit(Duration.ofSeconds(60));
                System.err.printf("pidgin-sipe sender, BYE held %d s: exit %d after %d ms, MAC line: %s, output: %s%n",
                        holdSeconds, exit, Duration.ofNanos(System.nanoTime() - start).toMillis(),
                        mac.isEmpty() ? "(none)" : "yes", sipe.output().replace('\n', ' '));
            }
        }
    }
}
