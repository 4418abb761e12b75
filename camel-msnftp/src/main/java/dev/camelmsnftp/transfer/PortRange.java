package dev.camelmsnftp.transfer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ports our MSNFTP listener may bind to (option {@code ftpPort}): {@code 0} for any free port, one fixed port, or
 * an inclusive range such as {@code 6891-6900}.
 */
public record PortRange(int first, int last) {

    /** Any free port, chosen by the operating system. */
    public static final PortRange ANY = new PortRange(0, 0);

    public PortRange {
        if (first < 0 || last > 65535 || first > last || (first == 0 && last != 0)) {
            throw new IllegalArgumentException("Invalid port range " + first + "-" + last);
        }
    }

    /** Parses {@code 0}, {@code 6891} or {@code 6891-6900}. */
    public static PortRange parse(String text) {
        if (text == null || text.isBlank()) {
            return ANY;
        }
        String value = text.trim();
        int dash = value.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(value);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(value.substring(0, dash).trim()),
                    Integer.parseInt(value.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid ftpPort '" + text + "': expected 0, a port, or a range like 6891-6900", e);
        }
    }

    /** Whether the operating system picks the port. */
    public boolean isAny() {
        return first == 0;
    }

    /**
     * Binds a listening socket to a port of this range on {@code address}, trying each port of the range once from a
     * random starting point so that concurrent transfers spread over it.
     *
     * @throws BindException when every port of the range is taken
     */
    public ServerSocketChannel bind(InetAddress address) throws IOException {
        if (isAny()) {
            return bindTo(address, 0);
        }
        int size = last - first + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = first + (start + i) % size;
            try {
                return bindTo(address, port);
            } catch (BindException taken) {
                // try the next port of the range
            }
        }
        throw new BindException("No free port in " + this + " on " + address.getHostAddress());
    }

    private static ServerSocketChannel bindTo(InetAddress address, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(address, port), 8);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return isAny() ? "0" : first == last ? Integer.toString(first) : first + "-" + last;
    }
}
