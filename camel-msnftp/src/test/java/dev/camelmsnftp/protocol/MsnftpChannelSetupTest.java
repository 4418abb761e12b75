package dev.camelmsnftp.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session whose channel cannot be set up by something other than an IOException (no direct memory for the input
 * buffer: an OutOfMemoryError; here an impossible buffer size, which fails at the same place without exhausting the
 * machine's memory) closes the connection and keeps no selector.
 */
class MsnftpChannelSetupTest {

    private static final int ATTEMPTS = 50;

    @Test
    @EnabledOnOs(OS.LINUX)
    void aChannelThatCannotBeSetUpLeavesNeitherTheSocketNorASelectorOpen() throws Exception {
        MsnftpSender sender = MsnftpSender.builder().peerUser("bob@corp.example").authCookie(1)
                .source(Channels.newChannel(new ByteArrayInputStream(new byte[1])), 1).build();
        long before = openFileDescriptors();
        for (int i = 0; i < ATTEMPTS; i++) {
            try (Loopback.RawPair pair = Loopback.raw(true)) {
                assertThatThrownBy(() -> sender.open(pair.ours(), -1)).isInstanceOf(IllegalArgumentException.class);
                assertThat(pair.ours().isOpen()).as("the connection is closed").isFalse();
                assertThat(pair.peer().getInputStream().read()).as("the peer sees it closed").isEqualTo(-1);
            }
        }
        // a selector holds two or three descriptors (epoll and its wake-up): a leak is 100 or more here
        assertThat(openFileDescriptors() - before).as("descriptors left open after " + ATTEMPTS + " attempts")
                .isLessThan(ATTEMPTS / 2);
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
