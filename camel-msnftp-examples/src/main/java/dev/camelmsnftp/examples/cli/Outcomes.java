package dev.camelmsnftp.examples.cli;

import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferTimeoutException;

/** Exit codes from what happened. */
final class Outcomes {

    private Outcomes() {
    }

    static int exitCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TransferRejectedException) {
                return MsnftpCli.REJECTED;
            }
            if (cause instanceof TransferTimeoutException) {
                return MsnftpCli.TIMED_OUT;
            }
            if (cause instanceof TransferException) {
                return MsnftpCli.FAILED;
            }
        }
        return MsnftpCli.FAILED;
    }

    /** The first msnftp message in the chain (what to check), else the failure's own. */
    static String message(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TransferException || cause.getClass().getName().startsWith("dev.camelmsnftp.")) {
                return cause.getMessage();
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
