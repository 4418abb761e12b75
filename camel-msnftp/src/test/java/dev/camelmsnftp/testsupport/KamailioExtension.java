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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
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
 * {@code new KamailioExtension(Forking.PARALLEL)} or {@code SERIAL} runs the configuration for several instances
 * registered under one address of record that the user guide gives ({@link #forkingParameters},
 * {@link #forkingRoute}): the forking style, a silent contact given up after {@link #BRANCH_TIMEOUT_MS}, and contacts
 * that stop answering OPTIONS keep-alives removed; {@link #contacts} lists a user's contacts ({@code kamcmd}).
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
    /** With a {@link Forking} style: how long a contact may leave a request unanswered before the proxy gives up on it. */
    public static final int BRANCH_TIMEOUT_MS = 3000;
    /** With a {@link Forking} style: a contact that answers no OPTIONS keep-alive for this long is removed. */
    public static final int DEAD_CONTACT_SECONDS = 8;
    /**
     * With a {@link Forking} style: a dead contact is gone this long after its last answer at the latest. Kamailio notices
     * the silence at a timer run (every 2 s) once {@link #DEAD_CONTACT_SECONDS} have passed, then lets the contact expire
     * 10 s later, removed at a timer run.
     */
    public static final Duration DEAD_CONTACT_GONE_WITHIN = Duration.ofSeconds(DEAD_CONTACT_SECONDS + 2 + 10 + 2 + 4);

    /** How the proxy sends a request for a user registered from several places (instances of one address of record). */
    public enum Forking {
        /** To every contact at once ({@code lookup} and {@code t_relay}, Kamailio's default): the first 2xx wins. */
        PARALLEL,
        /**
         * To one contact at a time, picked at random weighted by its q value ({@code t_load_contacts("1")}), the next one
         * after a failure (a failure route with {@code t_next_contacts}).
         */
        SERIAL
    }

    private final Forking forking;
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

    /** The plain registrar and proxy. */
    public KamailioExtension() {
        this(null);
    }

    /** The registrar and proxy for several instances of one user, forking {@code forking}. */
    public KamailioExtension(Forking forking) {
        this.forking = forking;
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

    /**
     * Registers {@code user} with a contact on 127.0.0.1:{@code contactPort} by a REGISTER of our own (with digest), as
     * an instance that died without unregistering leaves it behind: nothing needs to listen there.
     */
    public void registerContact(String user, int contactPort, Duration expires) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5000);
            String callId = UUID.randomUUID().toString();
            String answer = exchange(socket, register(user, contactPort, expires, callId, 1, socket.getLocalPort(), ""));
            if (answer.startsWith("SIP/2.0 401")) {
                String realm = parameter(answer, "realm");
                String nonce = parameter(answer, "nonce");
                String uri = "sip:" + DOMAIN;
                String digest = md5(md5(user + ":" + realm + ":" + PASSWORD) + ":" + nonce + ":" + md5("REGISTER:" + uri));
                answer = exchange(socket, register(user, contactPort, expires, callId, 2, socket.getLocalPort(),
                        "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                        + "\", uri=\"" + uri + "\", response=\"" + digest + "\", algorithm=MD5\r\n"));
            }
            if (!answer.startsWith("SIP/2.0 200")) {
                throw new IOException("REGISTER was answered " + answer.lines().findFirst().orElse(""));
            }
        }
    }

    private String exchange(DatagramSocket socket, String request) throws IOException {
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket answer = new DatagramPacket(new byte[8192], 8192);
        socket.receive(answer);
        return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
    }

    private static String register(String user, int contactPort, Duration expires, String callId, int cseq, int localPort,
                                   String authorization) {
        return "REGISTER sip:" + DOMAIN + " SIP/2.0\r\n"
               + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
               + "Max-Forwards: 70\r\nFrom: <sip:" + user + "@" + DOMAIN + ">;tag=" + callId.substring(0, 8) + "\r\n"
               + "To: <sip:" + user + "@" + DOMAIN + ">\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " REGISTER\r\n"
               + "Contact: <sip:" + user + "@127.0.0.1:" + contactPort + ">\r\nExpires: " + expires.toSeconds() + "\r\n"
               + authorization + "Content-Length: 0\r\n\r\n";
    }

    private static String parameter(String message, String name) throws IOException {
        int start = message.indexOf(name + "=\"");
        if (start < 0) {
            throw new IOException("No " + name + " in " + message);
        }
        start += name.length() + 2;
        return message.substring(start, message.indexOf('"', start));
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * The shared registrar/proxy configuration (tools/kamailio in the steering repo) on our port; with a forking style,
     * plus {@link #forkingParameters} and {@link #forkingRoute}, and the {@code ctl} module that {@code kamcmd} asks.
     */
    private String config(int port, Path modules, String tls, int maxExpires) {
        String plain = plainConfig(port, modules, tls, maxExpires);
        if (forking == null) {
            return plain;
        }
        String route = plain.substring(plain.indexOf("    if ($rU == \"offline\")"));
        return plain.replace(route, forkingRoute(forking)).replace("request_route {", "loadmodule \"ctl.so\"\n"
                + "modparam(\"ctl\", \"binrpc\", \"unix:" + dir.resolve("kamailio.ctl") + "\")\n"
                + forkingParameters(forking) + "request_route {");
    }

    private static String plainConfig(int port, Path modules, String tls, int maxExpires) {
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

    /**
     * The module parameters a forking style adds, exactly as the user guide shows them: a contact that leaves a request
     * unanswered is given up after 3 s, every contact gets an OPTIONS keep-alive every 2 s and one silent for 8 s is
     * removed (usrloc {@code ka_mode}, {@code ka_timeout}); serial forking adds what {@code t_load_contacts} needs.
     */
    public static String forkingParameters(Forking forking) {
        String common = """
                modparam("tm", "fr_timer", %d)
                modparam("usrloc", "timer_interval", 2)
                modparam("usrloc", "ka_mode", 1)
                modparam("usrloc", "ka_timeout", %d)
                """.formatted(BRANCH_TIMEOUT_MS, DEAD_CONTACT_SECONDS);
        return forking == Forking.PARALLEL ? common : common + """
                modparam("registrar", "default_q", 1000)
                modparam("tm", "contacts_avp", "tm_contacts")
                modparam("tm", "contact_flows_avp", "tm_contact_flows")
                modparam("tm", "restart_fr_on_each_reply", 0)
                """;
    }

    /**
     * The end of {@code request_route} from the location lookup on (and the failure route serial forking needs),
     * exactly as the user guide shows it.
     */
    public static String forkingRoute(Forking forking) {
        String lookup = """
                    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
                    if (is_method("INVITE")) record_route();
                """;
        return forking == Forking.PARALLEL ? lookup + """
                    t_relay();
                }
                """ : lookup + """
                    t_load_contacts("1");
                    t_next_contacts();
                    t_on_failure("NEXT_CONTACT");
                    t_relay();
                }
                failure_route[NEXT_CONTACT] {
                    if (t_is_canceled() || t_check_status("6[0-9][0-9]")) exit;
                    if (t_next_contacts()) {
                        t_on_failure("NEXT_CONTACT");
                        t_relay();
                    }
                }
                """;
    }

    /**
     * The contacts registered for {@code user} now, asked of Kamailio with {@code kamcmd ul.lookup} (configurations with
     * a {@link Forking} style only).
     */
    public List<String> contacts(String user) throws IOException, InterruptedException {
        if (forking == null) {
            throw new IllegalStateException("Only the forking configurations answer kamcmd");
        }
        Process lookup = new ProcessBuilder("kamcmd", "-s", "unix:" + dir.resolve("kamailio.ctl"), "ul.lookup", "location",
                user).redirectErrorStream(true).start();
        String output = new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!lookup.waitFor(10, TimeUnit.SECONDS)) {
            lookup.destroyForcibly();
            throw new IOException("kamcmd did not answer");
        }
        return output.lines().map(String::trim).filter(line -> line.startsWith("Address:"))
                .map(line -> line.substring("Address:".length()).trim()).toList();
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
