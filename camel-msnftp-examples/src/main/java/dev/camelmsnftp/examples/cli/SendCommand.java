package dev.camelmsnftp.examples.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.camelmsnftp.component.MsnftpComponent;
import dev.camelmsnftp.component.MsnftpConstants;
import dev.camelmsnftp.transfer.TransferFormat;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msnftp send FILE PEER [options]}: offers FILE to PEER and waits until it arrived, or why not. */
@Command(name = "send", mixinStandardHelpOptions = true,
         description = "Offer FILE to PEER and wait until the receiver has all of it.")
final class SendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to send.")
    Path file;

    @Parameters(index = "1", paramLabel = "PEER",
                description = "The recipient: sip:bob@corp.example, bob@corp.example, or sip:bob@HOST:PORT without a proxy.")
    String peer;

    @Mixin
    SipOptions sip = new SipOptions();

    @Option(names = "--connectivity", description = "Let the receiver choose who listens (flow A or C) instead of"
                                                      + " sending Connectivity: N (flow B).")
    boolean connectivity;

    @Option(names = "--fileName", paramLabel = "NAME", description = "The name to offer (default: FILE's name).")
    String fileName;

    @Override
    public Integer call() throws Exception {
        return send(System.out, System.err);
    }

    int send(PrintStream out, PrintStream err) throws Exception {
        if (!Files.isRegularFile(file)) {
            err.println("msnftp: no such file: " + file);
            return MsnftpCli.USAGE;
        }
        Map<String, String> options = sip.uriOptions();
        if (connectivity) {
            options.put("connectivity", "true");
        }
        String name = fileName != null ? fileName : file.getFileName().toString();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getComponent("msnftp", MsnftpComponent.class)
                    .addTransferListener(new ProgressBar(out, sip.progress && System.console() != null));
            camel.start();
            long started = System.nanoTime();
            ProducerTemplate template = camel.createProducerTemplate();
            Exchange sent = template.send(SipOptions.uri(peer, options), exchange -> {
                exchange.getIn().setBody(file.toFile());
                exchange.getIn().setHeader(Exchange.FILE_NAME, name);
            });
            long nanos = System.nanoTime() - started;
            if (sent.getException() != null) {
                err.println("msnftp: " + Outcomes.message(sent.getException()));
                return Outcomes.exitCode(sent.getException());
            }
            long size = sent.getIn().getHeader(MsnftpConstants.FILE_LENGTH, Long.class);
            out.printf("sent %s (%s) to %s in %.1f s, %s, %s, BYE %d, cookie %d%n", name, TransferFormat.bytes(size),
                    peer, nanos / 1e9, TransferFormat.rate(size * 1e9 / Math.max(1, nanos)),
                    Boolean.TRUE.equals(sent.getIn().getHeader(MsnftpConstants.ENCRYPTED)) ? "encrypted" : "plain",
                    sent.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class),
                    sent.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class));
            return MsnftpCli.OK;
        }
    }
}
