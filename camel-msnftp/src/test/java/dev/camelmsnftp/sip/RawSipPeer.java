package dev.camelmsnftp.sip;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/** A SIP peer on a bare UDP socket, written in the test: sends exact text, captures exact text. */
final class RawSipPeer implements AutoCloseable {

    private final DatagramSocket socket;

    RawSipPeer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(10_000);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next datagram as text, or null when none came within the socket time-out. */
    String receive() throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    /** The next request of {@code method}, skipping others and retransmissions of {@code skipCallId}. */
    String receiveRequest(String method) throws IOException {
        for (int i = 0; i < 50; i++) {
            String message = receive();
            if (message == null) {
                return null;
            }
            if (message.startsWith(method + " ")) {
                return message;
            }
        }
        return null;
    }

    void send(String text, int port) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    /** A request from bob (this peer) to alice at {@code port}; {@code extra} holds further header lines. */
    String request(String method, int port, String toTag, String extra, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " sip:alice@127.0.0.1:" + port + " SIP/2.0\r\n"
               + "Via: SIP/2.0/UDP 127.0.0.1:" + port() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
               + "Max-Forwards: 70\r\n"
               + "From: <sip:bob@corp.example>;tag=raw1\r\n"
               + "To: <sip:alice@corp.example>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
               + "Call-ID: " + UUID.randomUUID() + "@127.0.0.1\r\n"
               + "CSeq: 1 " + method + "\r\n"
               + "Contact: <sip:bob@127.0.0.1:" + port() + ">\r\n"
               + extra
               + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    /** A 200 OK for a captured request. */
    static String ok(String request) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String name : new String[] { "Via", "From", "To", "Call-ID", "CSeq" }) {
            String value = header(request, name);
            response.append(name).append(": ").append(value);
            if (name.equals("To") && !value.contains("tag=")) {
                response.append(";tag=rawanswer");
            }
            response.append("\r\n");
        }
        return response.append("Content-Length: 0\r\n\r\n").toString();
    }

    /** The value of the first header {@code name} (case-insensitive), or null. */
    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) {
                return null;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static int status(String response) {
        return Integer.parseInt(response.split(" ", 3)[1]);
    }

    static String body(String message) {
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    @Override
    public void close() {
        socket.close();
    }
}
