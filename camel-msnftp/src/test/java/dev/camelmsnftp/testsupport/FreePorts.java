package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1 for tests: for both UDP and TCP (a SIP listening point may use either), or TCP alone. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int udpAndTcp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(
                         new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // the UDP side was taken; try another
            }
        }
        throw new UncheckedIOException(new IOException("No port free for both UDP and TCP"));
    }

    /** A TCP port free on 127.0.0.1 right now (for a listener another process opens). */
    public static int tcp() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code port} on 127.0.0.1 can be bound again, for both UDP and TCP. */
    public static boolean isFree(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(address)) {
            tcp.bind(address);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
