package dev.camelmsnftp.component;

import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferStatistics;

/**
 * Micrometer is an optional dependency: this class, which names none of its types, decides whether
 * {@link MsnftpMetrics} (which does) may be loaded at all.
 */
final class MetricsSupport {

    private static final boolean MICROMETER = present();

    private MetricsSupport() {
    }

    private static boolean present() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, MetricsSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether Micrometer is on the class path. */
    static boolean micrometerPresent() {
        return MICROMETER;
    }

    /** The endpoint's meters, or {@link TransferListener#NONE} without Micrometer or without a bound MeterRegistry. */
    static TransferListener forEndpoint(MsnftpEndpoint endpoint, TransferStatistics statistics) {
        if (!MICROMETER) {
            return TransferListener.NONE;
        }
        TransferListener metrics = MsnftpMetrics.forEndpoint(endpoint, statistics);
        return metrics == null ? TransferListener.NONE : metrics;
    }
}
