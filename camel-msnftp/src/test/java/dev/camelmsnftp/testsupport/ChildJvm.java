package dev.camelmsnftp.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A Java program of the test class path in a process of its own, for tests that need separate JVMs (instances of a
 * route, a process killed with SIGKILL, a process with its own limits). The program talks to the test in lines: what
 * it prints on standard output is read line by line ({@link #next}), what the test {@link #send}s arrives on its
 * standard input, and closing that input ({@link #stop}) is its signal to end. Its standard error goes to a log file.
 *
 * <pre>
 * try (ChildJvm peer = ChildJvm.builder(PeerMain.class, dir.resolve("peer.log")).args("receive", "5071").start()) {
 *     assertThat(peer.next(Duration.ofSeconds(60))).isEqualTo("READY");
 *     peer.send("SEND /tmp/a.bin");
 *     ...
 *     assertThat(peer.stop(Duration.ofSeconds(30))).isZero();
 * }
 * </pre>
 * <p>
 * Small heaps, the serial collector and the C1 compiler only by default: several of them start quickly on a busy
 * machine. Lines left unread are kept; {@link #EXITED} is the line after the last once the process is gone.
 */
public final class ChildJvm implements AutoCloseable {

    /** The line {@link #next} returns once the process has ended and all its output was read. */
    public static final String EXITED = "<exited>";

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer input;

    private ChildJvm(String name, Process process, Path log, BiConsumer<ChildJvm, String> sink) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BiConsumer<ChildJvm, String> to = sink != null ? sink : (self, line) -> lines.add(line);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    to.accept(this, line);
                }
            } catch (IOException ended) {
                // the process is gone
            } finally {
                to.accept(this, EXITED);
            }
        }, "child-jvm-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** A program to start: its main class, and the file its standard error (its log) goes to. */
    public static Builder builder(Class<?> mainClass, Path log) {
        return new Builder(mainClass, log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Where its standard error goes. */
    public Path log() {
        return log;
    }

    /** The next line it printed ({@link #EXITED} once it has ended); fails after {@code within}. */
    public String next(Duration within) throws InterruptedException {
        String line = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError(name + " printed nothing within " + within + " (log: " + log + ")");
        }
        return line;
    }

    /** The lines it printed so far that were not read yet, without waiting. */
    public List<String> drain() {
        List<String> drained = new ArrayList<>();
        lines.drainTo(drained);
        return drained;
    }

    /** Sends a line to its standard input. */
    public void send(String line) throws IOException {
        synchronized (input) {
            input.write(line);
            input.write('\n');
            input.flush();
        }
    }

    /** SIGKILL, as the OOM killer or {@code kill -9} would: no shutdown hook, no clean-up. Returns once it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die on SIGKILL");
        }
    }

    /**
     * Closes its standard input, its signal to stop, and waits for it to end; kills it after {@code within}. Returns its
     * exit code.
     */
    public int stop(Duration within) throws InterruptedException {
        try {
            synchronized (input) {
                input.close();
            }
        } catch (IOException gone) {
            // it has ended already
        }
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError(name + " did not stop within " + within + " (log: " + log + ")");
        }
        return process.exitValue();
    }

    /** Kills it if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** How to start a child JVM. */
    public static final class Builder {
        private final Class<?> mainClass;
        private final Path log;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        private final List<String> args = new ArrayList<>();
        private String name;
        private BiConsumer<ChildJvm, String> sink;

        private Builder(Class<?> mainClass, Path log) {
            this.mainClass = mainClass;
            this.log = log;
            this.name = mainClass.getSimpleName();
        }

        /** Its name in messages and thread names. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** JVM options besides the defaults ({@code -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}). */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** The arguments of its {@code main}. */
        public Builder args(String... arguments) {
            args.addAll(List.of(arguments));
            return this;
        }

        /**
         * Hands each line it prints (and {@link #EXITED} at the end) to {@code sink}, on a thread of its own, instead of
         * keeping it for {@link #next}: one queue for the lines of several processes.
         */
        public Builder onLine(BiConsumer<ChildJvm, String> sink) {
            this.sink = sink;
            return this;
        }

        public ChildJvm start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ChildJvm(name, process, log, sink);
        }
    }
}
