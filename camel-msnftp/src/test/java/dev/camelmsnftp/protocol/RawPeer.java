package dev.camelmsnftp.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A scripted MSNFTP peer on a plain socket: writes exact bytes and reads exact bytes, for transcript tests. */
final class RawPeer {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    RawPeer send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawPeer send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads exactly {@code n} bytes (the socket has a read time-out). */
    byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Reads one line including its CRLF/LF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Everything until the peer closes. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Whether the other side closed (EOF) without sending anything more. */
    boolean closedWithoutMoreBytes() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    Socket socket() {
        return socket;
    }
}
