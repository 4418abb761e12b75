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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>
 * With {@link #withTls}, it also listens for TLS (Debian package {@code kamailio-tls-modules}) on one port per
 * certificate given, each port presenting its own certificate.
 *
 * <pre>
 * &#64;RegisterExtension
 * static KamailioExtension kamailio = new KamailioExtension();
 * </pre>
 * <p>
 * Requests for the user {@code offline} are answered 480, as a proxy that knows the user is signed out (OCS) answers
 * them. {@link #maxExpires(int)} caps the registration lifetime Kamailio grants, so that registrations are refreshed
 * within seconds.
 */
public final class KamailioExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String PASSWORD = "secret";
    public static final String DOMAIN = "example.test";

    private Path dir;
    private Process process;
    private int port;
    private final Map<String, TestCertificates.Issued> tlsCertificates = new LinkedHashMap<>();
    private final Map<String, Integer> tlsPorts = new LinkedHashMap<>();

    /** Also listens for TLS on a port of its own that presents {@code certificate}; see {@link #tlsAddress}. */
    public KamailioExtension withTls(String name, TestCertificates.Issued certificate) {
        tlsCertificates.put(name, certificate);
        return this;
    }

    /** {@code 127.0.0.1:port/tls} of the TLS listener named {@code name}. */
    public String tlsAddress(String name) {
        return "127.0.0.1:" + tlsPorts.get(name) + "/tls";
    }

    private int maxExpires;

    /** Kamailio grants registrations at most this many seconds (its default otherwise: 3600, at least 60). */
    public KamailioExtension maxExpires(int seconds) {
        this.maxExpires = seconds;
        return this;
    }

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
        String tls = "";
        if (!tlsCertificates.isEmpty()) {
            ExternalPeers.assumePeer("kamailio TLS module", Files.exists(modules.get().resolve("tls.so")),
                    "apt-get install -y kamailio-tls-modules");
            tls = tls(modules.get());
        }
        Files.writeString(config, config(port, modules.get(), tls, maxExpires));
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

    /** The TLS listeners, module and per-port certificates (tls.cfg); their lines of kamailio.cfg. */
    private String tls(Path modules) throws IOException {
        StringBuilder listen = new StringBuilder("enable_tls=yes\n");
        StringBuilder domains = new StringBuilder();
        for (Map.Entry<String, TestCertificates.Issued> entry : tlsCertificates.entrySet()) {
            int tlsPort = FreePorts.udpAndTcp();
            tlsPorts.put(entry.getKey(), tlsPort);
            Path certificate = entry.getValue().writeCertificatePem(dir.resolve(entry.getKey() + ".pem"));
            Path key = entry.getValue().writePrivateKeyPem(dir.resolve(entry.getKey() + ".key"));
            listen.append("listen=tls:127.0.0.1:").append(tlsPort).append('\n');
            String settings = "method = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"
                              + "certificate = " + certificate + "\nprivate_key = " + key + "\n\n";
            if (domains.isEmpty()) {
                domains.append("[server:default]\n").append(settings);
            }
            domains.append("[server:127.0.0.1:").append(tlsPort).append("]\n").append(settings);
        }
        domains.append("[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n");
        Path tlsConfig = dir.resolve("tls.cfg");
        Files.writeString(tlsConfig, domains.toString());
        return listen + "loadmodule \"" + modules.resolve("tls.so") + "\"\nmodparam(\"tls\", \"config\", \""
               + tlsConfig + "\")\n";
    }

    /** The shared registrar/proxy configuration (tools/kamailio in the steering repo) on our port. */
    private static String config(int port, Path modules, String tls, int maxExpires) {
        return """
                #!KAMAILIO
                debug=2
                log_stderror=yes
                fork=yes
                children=2
                listen=udp:127.0.0.1:%1$d
                listen=tcp:127.0.0.1:%1$d
                %4$s
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
                %5$s
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
                    if ($rU == "offline") { sl_send_reply("480", "Temporarily Unavailable"); exit; }
                    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
                    if (is_method("INVITE")) record_route();
                    t_relay();
                }
                """.formatted(port, modules, PASSWORD, tls, maxExpires <= 0 ? ""
                : "modparam(\"registrar\", \"min_expires\", 1)\nmodparam(\"registrar\", \"max_expires\", " + maxExpires + ")");
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
