package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;

import dev.camelmsnftp.testsupport.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The archive route in a CamelContext of its own, with the example's {@code application.properties} and loopback
 * addresses, and a sender (alice) whose options each send may choose. For tests that need several archive settings in
 * one class (a matrix over flows, dialects and SIP modes).
 */
public final class RunningArchive implements AutoCloseable {

    private final CamelContext context;
    private final ProducerTemplate template;
    private final int archivePort;
    private final int alicePort;
    private final Path workDir;

    private RunningArchive(CamelContext context, int archivePort, Path workDir) {
        this.context = context;
        this.template = context.createProducerTemplate();
        this.archivePort = archivePort;
        this.alicePort = FreePorts.udpAndTcp();
        this.workDir = workDir;
    }

    /** Starts the route with work folder {@code workDir} and the settings {@code archive} adds. */
    public static RunningArchive start(Path workDir, Consumer<Properties> archive) throws Exception {
        int archivePort = FreePorts.udpAndTcp();
        Properties properties = new Properties();
        try (InputStream in = ArchiveRoutes.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        properties.put("archive.localUser", "archive@corp.example");
        properties.put("archive.sipHost", "127.0.0.1");
        properties.put("archive.ftpHost", "127.0.0.1");
        properties.put("archive.sipPort", Integer.toString(archivePort));
        properties.put("archive.workDir", workDir.toString());
        archive.accept(properties);

        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setOverrideProperties(properties);
        context.addRoutes(new ArchiveRoutes());
        try {
            context.start();
        } catch (Exception e) {
            context.close();
            throw e;
        }
        return new RunningArchive(context, archivePort, workDir);
    }

    public CamelContext context() {
        return context;
    }

    /** The route's work folder; a file whose exchange failed is kept in its {@code .failed}. */
    public Path workDir() {
        return workDir;
    }

    public Path failedDir() {
        return workDir.resolve(".failed");
    }

    /** Sends {@code file} as alice, offered as {@code name}, with extra producer options ({@code a=1&b=2}). */
    public Exchange send(String senderOptions, String name, Path file) {
        String uri = "msnftp:sip:archive@127.0.0.1:" + archivePort + "?localUser=" + ArchiveTestSupport.SENDER
                + "&sipHost=127.0.0.1&sipPort=" + alicePort + "&ftpHost=127.0.0.1"
                + (senderOptions.isEmpty() ? "" : "&" + senderOptions);
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(file.toFile());
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    /** Files directly in {@link #failedDir()}. */
    public long failedCount() {
        if (!Files.isDirectory(failedDir())) {
            return 0;
        }
        try (var files = Files.list(failedDir())) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            template.close();
        } finally {
            context.close();
        }
    }
}
