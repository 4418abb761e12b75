package dev.camelmsnftp.transfer;

import java.time.Duration;
import java.util.Locale;

/** How sizes, rates and durations read in log lines, the console and the command line (decimal units, as disks). */
public final class TransferFormat {

    private static final String[] UNITS = { "B", "kB", "MB", "GB", "TB" };

    private TransferFormat() {
    }

    /** {@code 999 B}, {@code 1.5 kB}, {@code 187.0 MB}. */
    public static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 12.3 MB/s}. */
    public static String rate(double bytesPerSecond) {
        return bytes(Math.round(bytesPerSecond)) + "/s";
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4m05s}, {@code 1h02m}. */
    public static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
