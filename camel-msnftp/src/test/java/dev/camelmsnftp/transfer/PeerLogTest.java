package dev.camelmsnftp.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** A flood of lines a peer can cause becomes a handful of lines at their level, the rest at DEBUG, counted. */
class PeerLogTest {

    /** Records what was logged, as "LEVEL message". */
    static final class Recording extends AbstractLogger {
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] arguments,
                Throwable throwable) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(format, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }

        long count(String prefix) {
            return lines.stream().filter(line -> line.startsWith(prefix)).count();
        }
    }

    @Test
    void aFloodIsABurstAtItsLevelThenDebugWithOneLineSayingSoAndACountLater() {
        Recording log = new Recording();
        AtomicLong now = new AtomicLong();
        PeerLog peers = new PeerLog(log, now::get);

        for (int i = 0; i < 1000; i++) {
            peers.warn("Malformed invitation {}", i);
        }
        assertThat(log.count("WARN Malformed")).isEqualTo(PeerLog.BURST);
        assertThat(log.count("DEBUG Malformed")).isEqualTo(1000 - PeerLog.BURST);
        assertThat(log.count("WARN More than 10 lines")).isEqualTo(1);

        now.addAndGet(PeerLog.WINDOW_NANOS + TimeUnit.SECONDS.toNanos(1));
        peers.info("Declined {}", "x");
        assertThat(log.lines).contains("WARN 990 more lines about what peers sent went to DEBUG in the last 10 s",
                "INFO Declined x");
    }

    @Test
    void aQuietPeerIsLoggedInFull() {
        Recording log = new Recording();
        AtomicLong now = new AtomicLong();
        PeerLog peers = new PeerLog(log, now::get);
        for (int i = 0; i < 30; i++) {
            peers.info("Declined {}", i);
            now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        }
        assertThat(log.count("INFO Declined")).isEqualTo(30);
        assertThat(log.lines).hasSize(30);
    }
}
