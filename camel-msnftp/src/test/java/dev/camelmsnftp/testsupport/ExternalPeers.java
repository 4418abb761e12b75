package dev.camelmsnftp.testsupport;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tests against real external peers (pidgin-sipe, Kamailio) run where the peer is installed and are skipped with a
 * message otherwise; when the environment says {@code MSNFTP_REQUIRE_PEERS=true} (CI does), a missing peer fails.
 */
public final class ExternalPeers {

    private ExternalPeers() {
    }

    /** Whether peers are required (CI). */
    public static boolean required() {
        return Boolean.parseBoolean(System.getenv("MSNFTP_REQUIRE_PEERS"));
    }

    /** Skips the test when {@code available} is false, or fails it when peers are required. */
    public static void assumePeer(String name, boolean available, String howToInstall) {
        String message = name + " is not installed; install it with: " + howToInstall;
        if (!available && required()) {
            fail(message + " (MSNFTP_REQUIRE_PEERS=true: this test must not be skipped)");
        }
        Assumptions.assumeTrue(available, message + " -- skipping");
    }
}
