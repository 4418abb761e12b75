package dev.camelmsnftp.examples.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code msnftp}: what an administrator uses to check that two hosts can exchange files through their SIP proxy.
 * {@code msnftp send FILE sip:bob@corp.example [options]} offers a file and waits until it arrived;
 * {@code msnftp receive DIR [options]} waits for files and writes them to DIR. Options are named like the msnftp:
 * endpoint's URI options. A progress bar on a terminal, a summary line per file, and exit codes that tell the outcomes
 * apart: {@value #OK} success, {@value #FAILED} failure, {@value #USAGE} bad command line, {@value #REJECTED} rejected
 * (declined by the receiver or by our policy, or refused by the SIP server), {@value #TIMED_OUT} timed out.
 */
@Command(name = "msnftp", mixinStandardHelpOptions = true, versionProvider = MsnftpCli.Version.class,
         subcommands = { SendCommand.class, ReceiveCommand.class },
         description = "Send and receive files between SIP users as Microsoft OCS / MSN Messenger clients do"
                       + " (text/x-msmsgsinvite over SIP, the bytes over MSNFTP).",
         exitCodeListHeading = "%nExit codes:%n",
         exitCodeList = { "0:the file(s) arrived", "1:the transfer failed", "2:bad command line",
                          "3:rejected: the receiver or the SIP server declined, or we declined an offer",
                          "4:timed out: no answer, no connection or no file in time" })
public final class MsnftpCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int REJECTED = 3;
    public static final int TIMED_OUT = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        // the application chooses the log level: quiet unless asked, so that the progress bar stays readable
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine line = new CommandLine(new MsnftpCli());
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("msnftp: " + e.getMessage());
            return FAILED;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** The version of the component on the class path. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MsnftpCli.class.getPackage().getImplementationVersion();
            return new String[] { "msnftp " + (version == null ? "(development)" : version) };
        }
    }
}
