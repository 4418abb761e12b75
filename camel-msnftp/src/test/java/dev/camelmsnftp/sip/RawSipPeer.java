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

    /**
     * Opens an IM session with alice at {@code port} as bob: INVITE, then ACK when it is answered 200. Returns the
     * session, or null when the INVITE was refused ({@link #lastStatus()} says how).
     */
    RawSession openSession(int port) throws IOException {
        String callId = UUID.randomUUID() + "@127.0.0.1";
        String tag = "raw" + UUID.randomUUID().toString().substring(0, 8);
        String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                     + "m=message 5060 sip null\r\n";
        String invite = inDialog("INVITE", port, callId, tag, null, 1, "Content-Type: application/sdp\r\n", sdp);
        send(invite, port);
        String response = receiveFinalResponse(callId);
        lastStatus = response == null ? 0 : status(response);
        if (response == null) {
            return null;
        }
        String toTag = header(response, "To").replaceAll(".*;tag=", "");
        if (lastStatus != 200) {
            // the ACK of a refusal belongs to the INVITE's transaction: same Via branch
            send(invite.substring(0, invite.indexOf("Max-Forwards")).replace("INVITE sip:", "ACK sip:")
                 + "Max-Forwards: 70\r\nFrom: <sip:bob@corp.example>;tag=" + tag + "\r\n"
                 + "To: <sip:alice@corp.example>;tag=" + toTag + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 ACK\r\n"
                 + "Content-Length: 0\r\n\r\n", port);
            return null;
        }
        RawSession session = new RawSession(port, callId, tag, toTag);
        send(inDialog("ACK", port, callId, tag, toTag, 1, "", ""), port);
        return session;
    }

    /**
     * The final response in the dialog {@code callId}, skipping provisional ones and anything else (retransmitted
     * answers to earlier INVITEs among them: bounded, but generously).
     */
    private String receiveFinalResponse(String callId) throws IOException {
        for (int i = 0; i < 2000; i++) {
            String message = receive();
            if (message == null) {
                return null;
            }
            if (message.startsWith("SIP/2.0 ") && callId.equals(header(message, "Call-ID")) && status(message) >= 200) {
                return message;
            }
        }
        return null;
    }

    /** The status of the last INVITE {@link #openSession} sent (0 when unanswered). */
    int lastStatus() {
        return lastStatus;
    }

    private int lastStatus;

    /** The next response to {@code method}, skipping requests the agent sends meanwhile (they are left unanswered). */
    String receiveResponse(String method) throws IOException {
        for (int i = 0; i < 50; i++) {
            String message = receive();
            if (message == null) {
                return null;
            }
            if (message.startsWith("SIP/2.0 ") && header(message, "CSeq").endsWith(" " + method)) {
                return message;
            }
        }
        return null;
    }

    /** An IM session bob opened with alice: sends MESSAGEs in it. */
    final class RawSession {
        final int port;
        final String callId;
        final String tag;
        final String remoteTag;
        private int cseq = 1;

        RawSession(int port, String callId, String tag, String remoteTag) {
            this.port = port;
            this.callId = callId;
            this.tag = tag;
            this.remoteTag = remoteTag;
        }

        /** Sends a MESSAGE in the session; the answer is read with {@link #receiveResponse}. */
        void message(String body) throws IOException {
            send(inDialog("MESSAGE", port, callId, tag, remoteTag, ++cseq, "Content-Type: text/x-msmsgsinvite\r\n", body),
                    port);
        }

        /** Whether {@code request} belongs to this session. */
        boolean owns(String request) {
            return callId.equals(header(request, "Call-ID"));
        }
    }

    private String inDialog(String method, int port, String callId, String tag, String toTag, int cseq, String extra,
            String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " sip:alice@127.0.0.1:" + port + " SIP/2.0\r\n"
               + "Via: SIP/2.0/UDP 127.0.0.1:" + port() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
               + "Max-Forwards: 70\r\n"
               + "From: <sip:bob@corp.example>;tag=" + tag + "\r\n"
               + "To: <sip:alice@corp.example>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
               + "Call-ID: " + callId + "\r\n"
               + "CSeq: " + cseq + " " + method + "\r\n"
               + "Contact: <sip:bob@127.0.0.1:" + port() + ">\r\n"
               + extra
               + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    /** Waits at most {@code millis} for the next datagram (then the usual time-out applies again). */
    String receiveWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return receive();
        } finally {
            socket.setSoTimeout(10_000);
        }
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
