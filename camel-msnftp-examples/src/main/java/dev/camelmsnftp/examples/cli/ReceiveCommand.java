package dev.camelmsnftp.examples.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.component.MsnftpComponent;
import dev.camelmsnftp.component.MsnftpConstants;
import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferFormat;
import dev.camelmsnftp.transfer.TransferListener;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExceptionHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msnftp receive DIR [options]}: waits for files and writes each to DIR once complete. Ends when
 * {@code --count} files arrived (exit 0), at the first offer declined by our own policy (3), the first transfer that
 * failed (1), or when {@code --timeout} passed (4).
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
         description = "Wait for files and write each to DIR once it is complete.")
final class ReceiveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Where received files go (created if missing).")
    Path dir;

    @Mixin
    SipOptions sip = new SipOptions();

    @Option(names = "--from", paramLabel = "PEER", defaultValue = "*",
            description = "Accept files only from this SIP address (default: anyone).")
    String from;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Files to receive before exiting (default 1).")
    int count;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Give up (exit 4) when not every file arrived in this time, e.g. 90s, 10m (default 10m).")
    String timeout;

    @Option(names = "--maxFileSize", paramLabel = "BYTES", description = "Decline larger files.")
    String maxFileSize;

    @Option(names = "--alwaysListen", description = "Offer to listen even when the sender could (flow C).")
    boolean alwaysListen;

    /** What ended a transfer, for the main thread. */
    private record Event(int exitCode, String line) {
    }

    @Override
    public Integer call() throws Exception {
        return receive(System.out, System.err);
    }

    int receive(PrintStream out, PrintStream err) throws Exception {
        Duration limit = parse(timeout);
        Files.createDirectories(dir);
        Map<String, String> options = sip.uriOptions();
        SipOptions.put(options, "maxFileSize", maxFileSize);
        if (alwaysListen) {
            options.put("alwaysListen", "true");
        }
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            MsnftpComponent component = camel.getComponent("msnftp", MsnftpComponent.class);
            component.addTransferListener(new ProgressBar(out, sip.progress && System.console() != null));
            component.addTransferListener(new TransferListener() {
                @Override
                public void finished(Transfer transfer) {
                    if (transfer.state() == Transfer.State.REJECTED) {
                        events.add(new Event(MsnftpCli.REJECTED, "declined " + transfer.fileName() + " ("
                                                                 + TransferFormat.bytes(transfer.size()) + ") from "
                                                                 + transfer.peer().addressOfRecord() + ": "
                                                                 + transfer.failure().map(Throwable::getMessage).orElse("")));
                    }
                }
            });
            camel.getRegistry().bind("receiveFailures", new ExceptionHandler() {
                @Override
                public void handleException(Throwable exception) {
                    handleException(null, null, exception);
                }

                @Override
                public void handleException(String message, Throwable exception) {
                    handleException(message, null, exception);
                }

                @Override
                public void handleException(String message, Exchange exchange, Throwable exception) {
                    events.add(new Event(Outcomes.exitCode(exception), "failed: " + Outcomes.message(exception)));
                }
            });
            options.put("exceptionHandler", "#receiveFailures");
            String uri = SipOptions.uri(from, options).replace("exceptionHandler=RAW(#receiveFailures)",
                    "exceptionHandler=#receiveFailures");
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).routeId("receive")
                            .to("file:" + dir.toAbsolutePath())
                            .process(exchange -> events.add(new Event(MsnftpCli.OK, String.format(
                                    "received %s (%s) from %s, %s, BYE %d, cookie %d",
                                    exchange.getIn().getHeader(Exchange.FILE_NAME, String.class),
                                    TransferFormat.bytes(exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class)),
                                    exchange.getIn().getHeader(MsnftpConstants.REMOTE_USER, String.class),
                                    Boolean.TRUE.equals(exchange.getIn().getHeader(MsnftpConstants.ENCRYPTED))
                                            ? "encrypted" : "plain",
                                    exchange.getIn().getHeader(MsnftpConstants.BYE_CODE, Long.class),
                                    exchange.getIn().getHeader(MsnftpConstants.INVITATION_COOKIE, Long.class)))));
                }
            });
            camel.start();
            out.printf("waiting for %d file(s) as %s, SIP port %s; files go to %s%n", count, sip.identity,
                    sip.sipPort == null ? "5060" : sip.sipPort, dir.toAbsolutePath());
            long deadline = System.nanoTime() + limit.toNanos();
            int received = 0;
            while (received < count) {
                Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    err.printf("msnftp: timed out after %s with %d of %d file(s)%n", timeout, received, count);
                    return MsnftpCli.TIMED_OUT;
                }
                if (event.exitCode() != MsnftpCli.OK) {
                    err.println("msnftp: " + event.line());
                    return event.exitCode();
                }
                out.println(event.line());
                received++;
            }
            return MsnftpCli.OK;
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, or plain seconds. */
    static Duration parse(String text) {
        String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        char unit = value.charAt(value.length() - 1);
        String number = Character.isDigit(unit) ? value : value.substring(0, value.length() - 1);
        long amount = Long.parseLong(number);
        return switch (unit) {
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
