package dev.camelmsnftp.examples.demo;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferFormat;
import dev.camelmsnftp.transfer.TransferListener;

/**
 * A progress bar per large file alice sends, drawn as a line at each quarter (the demo's output is a log, not a
 * terminal): {@code       dataset.bin [##########..........]  50%  4.2 MB of 8.4 MB  61.3 MB/s}.
 */
final class DemoProgress implements TransferListener {

    private static final long LARGE = 1_000_000;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final Map<Transfer, Integer> quarters = new ConcurrentHashMap<>();

    DemoProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void progress(Transfer transfer) {
        if (transfer.direction() != Transfer.Direction.SEND || transfer.size() < LARGE) {
            return;
        }
        int quarter = transfer.percent() / 25;
        Integer previous = quarters.put(transfer, quarter);
        if (quarter > 0 && (previous == null || quarter > previous)) {
            int filled = transfer.percent() * WIDTH / 100;
            out.printf("      %-32s [%s%s] %3d%%  %s of %s  %s%n", transfer.fileName(), "#".repeat(filled),
                    ".".repeat(WIDTH - filled), transfer.percent(), TransferFormat.bytes(transfer.bytes()),
                    TransferFormat.bytes(transfer.size()), TransferFormat.rate(transfer.bytesPerSecond()));
        }
    }

    @Override
    public void finished(Transfer transfer) {
        quarters.remove(transfer);
    }
}
