package dev.camelmsnftp.component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.camelmsnftp.invite.Cookies;
import dev.camelmsnftp.invite.Invitation;
import dev.camelmsnftp.invite.InvitationCodec;
import dev.camelmsnftp.invite.InvitationCommand;
import dev.camelmsnftp.invite.TransferKeys;
import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.IncomingMessage;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.testsupport.SentBlocks;
import dev.camelmsnftp.transfer.Flow;

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
        this(user, transport, null);
    }

    /**
     * A peer that holds its SIP answer to every invitation it receives until {@code answers} is counted down (at most
     * 20 s); the invitation is there for {@link #next} at once.
     */
    ScriptedPeer(String user, CountDownLatch answers) throws Exception {
        this(user, SipTransport.UDP, answers);
    }

    private ScriptedPeer(String user, SipTransport transport, CountDownLatch answers) throws Exception {
        agent = SipAgent.start(SipAgentConfig.builder(user + "@corp.example").sipHost("127.0.0.1")
                .sipPort(FreePorts.udpAndTcp()).transport(transport).build());
        agent.addMessageListener("text/x-msmsgsinvite", message -> {
            messages.add(message);
            if (answers != null) {
                try {
                    answers.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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
        send(target, invitation, SipMode.SESSION);
    }

    void send(String target, Invitation invitation, SipMode mode) throws Exception {
        agent.sendMessage(target, TYPE, InvitationCodec.formatBytes(invitation), mode).get(5, TimeUnit.SECONDS);
    }

    /** Sends without waiting (session mode): the future completes with the receiver's answer to the MESSAGE. */
    java.util.concurrent.CompletableFuture<?> sendAsync(String target, Invitation invitation) {
        return agent.sendMessage(target, TYPE, InvitationCodec.formatBytes(invitation), SipMode.SESSION);
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

    /**
     * The invitations that come within {@code period} (waiting all of it): to show that nothing more was sent, such as
     * no CANCEL after a transfer the peer ended itself.
     */
    List<Invitation> quietFor(Duration period) throws Exception {
        List<Invitation> all = new ArrayList<>();
        long end = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = end - System.nanoTime()) {
            IncomingMessage message = messages.poll(left, TimeUnit.NANOSECONDS);
            if (message != null) {
                all.add(InvitationCodec.parse(message.body()));
            }
        }
        return all;
    }

    /** Every invitation received so far, without waiting. */
    List<Invitation> drain() throws Exception {
        List<Invitation> all = new ArrayList<>();
        for (IncomingMessage message = messages.poll(); message != null; message = messages.poll()) {
            all.add(InvitationCodec.parse(message.body()));
        }
        return all;
    }

    /**
     * Plays the receiver of the invitation {@code invite} (from our producer) so that the transfer runs in
     * {@code flow} and {@code dialect}: answers it (a listening ACCEPT in flows B and C, a plain one in flow A, with
     * keys for the encrypted dialect), makes or takes the MSNFTP connection, and plays the receiver's handshake up to
     * and including {@code TFR}. The producer must have been told to use the flow (connectivity=false for B).
     */
    Wire receive(Received invite, Flow flow, Dialect dialect) throws Exception {
        Invitation offer = invite.invitation();
        if (offer.inviterCannotListen() != (flow == Flow.B)) {
            throw new AssertionError("the INVITE does not ask for flow " + flow + ": " + offer);
        }
        TransferKeys keys = dialect.encrypted() ? TransferKeys.random() : null;
        long authCookie;
        Socket socket;
        if (flow == Flow.A) {
            invite.reply(withKeys(Invitation.accept(offer.cookie()), keys).build());
            Received address = next(Duration.ofSeconds(10));
            Invitation listening = address.invitation();
            if (!listening.offersToListen()) {
                throw new AssertionError("expected the sender's listening ACCEPT, got " + listening);
            }
            authCookie = listening.authCookie().getAsLong();
            socket = new Socket(InetAddress.getByName(listening.ipAddress().get()), listening.port().getAsInt());
        } else {
            authCookie = 1 + new java.util.Random().nextInt(1_000_000);
            try (ServerSocket listener = listen()) {
                invite.reply(withKeys(Invitation.listeningAccept(offer.cookie(), "127.0.0.1", listener.getLocalPort(),
                        authCookie).senderConnect(), keys).build());
                socket = listener.accept();
            }
        }
        Wire wire = new Wire(socket);
        wire.line("VER " + dialect);
        expect(wire.readLine(), "VER " + dialect);
        wire.line("USR " + agent.config().localUser().addressOfRecord() + " " + authCookie);
        expect(wire.readLine(), "FIL " + offer.fileSize().getAsLong());
        wire.line("TFR");
        wire.keys = keys;
        return wire;
    }

    /**
     * Plays the sender: offers a file of {@code size} bytes to {@code target} so that the transfer runs in
     * {@code flow} (the target must be a consumer that listens only when asked for flows A and B, one with
     * alwaysListen for C) and {@code dialect}, makes or takes the MSNFTP connection, and plays the sender's handshake
     * up to the receiver's {@code TFR}.
     */
    Wire offer(String target, Flow flow, Dialect dialect, String name, long size, SipMode mode) throws Exception {
        Invitation.Builder invite = Invitation.invite(Cookies.next(), name, size);
        if (flow == Flow.B) {
            invite.connectivityN();
        }
        if (dialect.encrypted()) {
            invite.encryption(true);
        }
        send(target, invite.build(), mode);
        Received answer = next(Duration.ofSeconds(10));
        Invitation accept = answer.invitation();
        if (accept.command() != InvitationCommand.ACCEPT || accept.offersToListen() == (flow == Flow.A)) {
            throw new AssertionError("expected the receiver's ACCEPT for flow " + flow + ", got " + accept);
        }
        long authCookie;
        Socket socket;
        if (flow == Flow.A) {
            authCookie = 1 + new java.util.Random().nextInt(1_000_000);
            try (ServerSocket listener = listen()) {
                answer.reply(Invitation.listeningAccept(accept.cookie(), "127.0.0.1", listener.getLocalPort(), authCookie)
                        .build());
                socket = listener.accept();
            }
        } else {
            authCookie = accept.authCookie().getAsLong();
            socket = new Socket(InetAddress.getByName(accept.ipAddress().get()), accept.port().getAsInt());
        }
        Wire wire = new Wire(socket);
        expect(wire.readLine(), "VER " + dialect);
        wire.line("VER " + dialect);
        String usr = wire.readLine();
        if (!usr.endsWith(" " + authCookie)) {
            throw new AssertionError("USR with the wrong AuthCookie: " + usr);
        }
        wire.line("FIL " + size);
        expect(wire.readLine(), "TFR");
        wire.cookie = accept.cookie();
        wire.keys = accept.keys().orElse(null);
        return wire;
    }

    private static Invitation.Builder withKeys(Invitation.Builder accept, TransferKeys keys) {
        return keys == null ? accept : accept.keys(keys);
    }

    private static void expect(String line, String expected) {
        if (!line.equals(expected)) {
            throw new AssertionError("expected '" + expected + "' but the peer said '" + line + "'");
        }
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
        /** The Invitation-Cookie of the transfer, when this peer offered it. */
        long cookie;
        /** The keys of the encrypted dialect (from the receiver's ACCEPT), or null for plain. */
        TransferKeys keys;

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

        /**
         * Sends {@code content} as the sender does: blocks of 2045 bytes, the bodies encrypted with RC4 (the JDK's
         * ARCFOUR, keyed as SPEC 4.2 says) when the transfer has keys.
         */
        void sendFile(byte[] content) throws Exception {
            byte[] bodies = content;
            if (keys != null) {
                Cipher rc4 = Cipher.getInstance("ARCFOUR");
                rc4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(
                        firstSixteenOfSha1(keys.encryptionKey()), "ARCFOUR"));
                bodies = rc4.doFinal(content);
            }
            java.io.ByteArrayOutputStream blocks = new java.io.ByteArrayOutputStream();
            for (int at = 0; at < bodies.length; at += 2045) {
                int length = Math.min(2045, bodies.length - at);
                blocks.write(new byte[] { 0, (byte) length, (byte) (length >> 8) });
                blocks.write(bodies, at, length);
            }
            write(blocks.toByteArray());
        }

        /** The encrypted dialect's {@code MAC} line for {@code content} (HMAC-SHA1 keyed as SPEC 4.2 says). */
        byte[] macLine(byte[] content) throws Exception {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(firstSixteenOfSha1(keys.hashKey()), "HmacSHA1"));
            String mac = Base64.getEncoder().encodeToString(hmac.doFinal(content));
            return ("MAC " + mac + "\u0000\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private static byte[] firstSixteenOfSha1(byte[] key) throws Exception {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-1").digest(key), 16);
        }

        /**
         * Whether the other side neither sends a byte nor closes its end for {@code period}: a window we watch, not a
         * wait for something to happen.
         */
        boolean silentFor(Duration period) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout((int) period.toMillis());
            try {
                in.read();
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(before);
            }
        }

        /** A data block (flag 0) with {@code length} bytes of body. */
        static byte[] dataBlock(int length) {
            byte[] block = new byte[3 + length];
            block[1] = (byte) length;
            block[2] = (byte) (length >> 8);
            return block;
        }

        /** Reads the sender's blocks until it closes: {@link SentBlocks#ABORTED} or what came instead. */
        String blocksUntilEnd() throws IOException {
            return SentBlocks.untilTheEnd(in);
        }

        /**
         * Waits (up to the read time-out) for the other side to hang up: an end of stream, or a reset when it left
         * bytes of ours unread. False when it sent something instead.
         */
        boolean hungUp() throws IOException {
            try {
                return in.read() < 0;
            } catch (java.net.SocketException reset) {
                return true;
            }
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
