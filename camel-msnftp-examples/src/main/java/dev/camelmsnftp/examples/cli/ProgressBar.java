package dev.camelmsnftp.examples.cli;

import java.io.PrintStream;
import java.util.Locale;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferFormat;
import dev.camelmsnftp.transfer.TransferListener;

/**
 * A one-line progress bar redrawn in place ({@code \r}) on a terminal, from the component's transfer events:
 * {@code report.pdf [##########..........]  48%  12.3 MB of 25.6 MB  8.1 MB/s  2 s left}. Off when the output is
 * not a terminal (the summary lines still come).
 */
final class ProgressBar implements TransferListener {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    @Override
    public synchronized void progress(Transfer transfer) {
        long now = System.nanoTime();
        if (!enabled || now - lastDraw < REDRAW_NANOS && transfer.bytes() < transfer.size()) {
            return;
        }
        lastDraw = now;
        String line = line(transfer);
        // pad over the rest of a longer line drawn before
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        out.flush();
    }

    @Override
    public synchronized void finished(Transfer transfer) {
        if (enabled && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }

    static String line(Transfer transfer) {
        int filled = transfer.size() == 0 ? WIDTH : (int) (transfer.bytes() * WIDTH / transfer.size());
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s of %s  %s  %s left", transfer.fileName(), "#".repeat(filled),
                ".".repeat(WIDTH - filled), transfer.percent(), TransferFormat.bytes(transfer.bytes()),
                TransferFormat.bytes(transfer.size()), TransferFormat.rate(transfer.bytesPerSecond()),
                transfer.remaining().map(TransferFormat::duration).orElse("?"));
    }
}
