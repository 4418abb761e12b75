package dev.camelmsnftp.component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.testsupport.FreePorts;

/**
 * A peer written in the test from the lower layers: a real SIP agent whose invitations the test reads and writes
 * itself, and MSNFTP on a bare socket, so that it can misbehave exactly as a test needs.
 */
final class ScriptedPeer implements AutoCloseable {

    static final String TYPE = "text/x-msmsgsinvite; charset=UTF-8";

    private final SipAgent agent;
    private final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();

    ScriptedPeer(String user) throws Exception {
        this(user, SipTransport.UDP);
    }

    ScriptedPeer(String user, SipTransport transport) throws Exception {
        agent = SipAgent.start(SipAgentConfig.builder(user + "@corp.example").sipHost("127.0.0.1")
                .sipPort(FreePorts.udpAndTcp()).transport(transport).build());
        agent.addMessageListener("text/x-msmsgsinvite", message -> {
            messages.add(message);
            return 200;
        });
    }

    String address() {
        return "sip:" + agent.config().localUser().user() + "@127.0.0.1:" + agent.localPort();
    }

    /** The next invitation received, with the message it came in. */
    Received next(Duration within) throws Exception {
        IncomingMessage message = messages.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no invitation within " + within);
        }
        return new Received(message, InvitationCodec.parse(message.body()));
    }

    record Received(IncomingMessage message, Invitation invitation) {
        void reply(Invitation answer) throws Exception {
            message.reply(TYPE, InvitationCodec.formatBytes(answer)).get(5, TimeUnit.SECONDS);
        }
    }

    void send(String target, Invitation invitation) throws Exception {
        agent.sendMessage(target, TYPE, InvitationCodec.formatBytes(invitation), SipMode.SESSION).get(5, TimeUnit.SECONDS);
    }

    /** Sends {@code body} as it is, returning the SIP status the receiver answered. */
    int sendRaw(String target, byte[] body, SipMode mode) throws Exception {
        try {
            return agent.sendMessage(target, TYPE, body, mode).get(5, TimeUnit.SECONDS).status();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof dev.camelmsnftp.sip.SipAgentException refused && refused.status().isPresent()) {
                return refused.status().getAsInt();
            }
            throw e;
        }
    }

    /** Every invitation received so far, without waiting. */
    List<Invitation> drain() throws Exception {
        List<Invitation> all = new ArrayList<>();
        for (IncomingMessage message = messages.poll(); message != null; message = messages.poll()) {
            all.add(InvitationCodec.parse(message.body()));
        }
        return all;
    }

    static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
        return server;
    }

    /** A bare MSNFTP connection: lines and bytes exactly as the test says. */
    static final class Wire implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Wire(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Wire line(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return this;
        }

        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        byte[] read(int n) throws IOException {
            return in.readNBytes(n);
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads plain MSNFTP data blocks (3-byte header, then the data) until {@code size} bytes of data came. */
        byte[] readData(int size) throws IOException {
            java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream(size);
            while (data.size() < size) {
                byte[] header = in.readNBytes(3);
                if (header.length < 3 || header[0] != 0) {
                    throw new IOException("not a data block after " + data.size() + " bytes");
                }
                int length = (header[1] & 0xff) | (header[2] & 0xff) << 8;
                data.write(in.readNBytes(length));
            }
            return data.toByteArray();
        }

        /** Ends the connection with a reset, as a process that died. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Override
    public void close() {
        agent.close();
    }
}
