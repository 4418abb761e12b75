package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kamailio (Debian package {@code kamailio}) as SIP registrar and proxy on 127.0.0.1 for a test class: its own
 * configuration on a free port (UDP and TCP), digest authentication of REGISTER with password {@link #PASSWORD} for
 * every user, locations in memory, record-routed INVITEs. Started in the foreground as a child of the test JVM and
 * killed, with its workers, after the class; {@link #restart()} (or {@link #stop()} and {@link #start()}) restarts it
 * in between, on the same port. Skips the class (or fails it in CI) where Kamailio is not installed.
 *
 * <pre>
 * &#64;RegisterExtension
 * static KamailioExtension kamailio = new KamailioExtension();
 * </pre>
 */
public final class KamailioExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String PASSWORD = "secret";
    public static final String DOMAIN = "example.test";

    private Path dir;
    private Process process;
    private int port;

    /** The port Kamailio listens on (UDP and TCP). */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, for the registrar and outboundProxy options. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> kamailio = executable();
        Optional<Path> modules = modules();
        ExternalPeers.assumePeer("kamailio", kamailio.isPresent() && modules.isPresent(), "apt-get install -y kamailio");
        dir = Files.createTempDirectory("kamailio-");
        port = FreePorts.udpAndTcp();
        Path config = dir.resolve("kamailio.cfg");
        Files.writeString(config, config(port, modules.get()));
        try {
            launch();
        } catch (IOException | RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        terminate();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * Stops Kamailio (SIGTERM, as an init system would) and starts it again on the same port and configuration; returns
     * once it answers. It keeps locations in memory, so every registration is lost, as in production.
     */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    /** Stops Kamailio and its workers; {@link #start()} starts it again on the same port. */
    public void stop() throws InterruptedException {
        terminate();
    }

    /** Starts Kamailio again after {@link #stop()}; returns once it answers. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Kamailio is running");
        }
        launch();
    }

    private void launch() throws IOException {
        Path config = dir.resolve("kamailio.cfg");
        process = new ProcessBuilder(List.of(executable().orElseThrow().toString(), "-f", config.toString(), "-P",
                dir.resolve("kamailio.pid").toString(), "-w", dir.toString(), "-Y", dir.toString(), "-DD", "-E"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kamailio.log").toFile()))
                .start();
        try {
            awaitAnswering(Duration.ofSeconds(20));
        } catch (IOException | RuntimeException e) {
            try {
                terminate();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    private void terminate() throws InterruptedException {
        if (process != null) {
            List<ProcessHandle> workers = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle worker : workers) {
                worker.destroyForcibly();
                worker.onExit().completeOnTimeout(worker, 10, TimeUnit.SECONDS).join();
            }
            process = null;
        }
    }

    /** What Kamailio logged, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("kamailio.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends OPTIONS until Kamailio answers anything. */
    private void awaitAnswering(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kamailio exited at start: " + log());
                }
                byte[] options = options(socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), port));
                try {
                    socket.receive(new DatagramPacket(new byte[4096], 4096));
                    return;
                } catch (SocketTimeoutException notYet) {
                    // try again until the deadline
                }
            }
        }
        throw new IllegalStateException("Kamailio did not answer within " + within + ": " + log());
    }

    private String options(int localPort) {
        return "OPTIONS sip:ping@127.0.0.1:" + port + " SIP/2.0\r\n"
               + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
               + "Max-Forwards: 70\r\nFrom: <sip:probe@" + DOMAIN + ">;tag=p\r\nTo: <sip:ping@" + DOMAIN + ">\r\n"
               + "Call-ID: " + UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** The shared registrar/proxy configuration (tools/kamailio in the steering repo) on our port. */
    private static String config(int port, Path modules) {
        return """
                #!KAMAILIO
                debug=2
                log_stderror=yes
                fork=yes
                children=2
                listen=udp:127.0.0.1:%1$d
                listen=tcp:127.0.0.1:%1$d
                mpath="%2$s/"
                loadmodule "tm.so"
                loadmodule "sl.so"
                loadmodule "rr.so"
                loadmodule "pv.so"
                loadmodule "maxfwd.so"
                loadmodule "usrloc.so"
                loadmodule "registrar.so"
                loadmodule "textops.so"
                loadmodule "siputils.so"
                loadmodule "xlog.so"
                loadmodule "auth.so"
                request_route {
                    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483","Too Many Hops"); exit; }
                    if (has_totag()) {
                        if (loose_route()) { t_relay(); exit; }
                        if (is_method("ACK")) { t_relay(); exit; }
                        sl_send_reply("404","Not here"); exit;
                    }
                    if (is_method("REGISTER")) {
                        if (!pv_www_authenticate("$td", "%3$s", "0")) { www_challenge("$td", "0"); exit; }
                        save("location"); exit;
                    }
                    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
                    if (is_method("INVITE")) record_route();
                    t_relay();
                }
                """.formatted(port, modules, PASSWORD);
    }

    private static Optional<Path> executable() {
        return Stream.of("/usr/sbin/kamailio", "/usr/local/sbin/kamailio", "/usr/bin/kamailio").map(Path::of)
                .filter(Files::isExecutable).findFirst();
    }

    private static Optional<Path> modules() {
        try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
            return Stream.concat(Stream.of(Path.of("/usr/lib/kamailio/modules")),
                    libs.map(lib -> lib.resolve("kamailio/modules")))
                    .filter(path -> Files.exists(path.resolve("tm.so"))).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
