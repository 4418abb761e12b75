package dev.camelmsnftp.protocol;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the MSNFTP sender (Jazzer): the receiver's side of the conversation is whatever the fuzzer
 * makes of it, over a real loopback connection. The sender must end with a result or an {@link MsnftpException}
 * within its time-out; any other exception, or a hang, is a finding. Every build replays the corpus and fuzzes for
 * 10 s; {@code mvn -Pfuzz verify} fuzzes longer.
 */
class MsnftpSenderFuzzTest extends SessionFuzzing {

    @FuzzTest(maxDuration = "10s")
    void senderEndsCleanlyWhateverTheReceiverSays(FuzzedDataProvider data) throws Exception {
        int size = data.consumeInt(0, 10_000);
        boolean encrypted = data.consumeBoolean();
        play(data.consumeRemainingAsBytes(), channel -> MsnftpSender.builder().peerUser("bob@corp.example")
                .authCookie(AUTH_COOKIE).keys(encrypted ? KEYS : null)
                .source(Channels.newChannel(new ByteArrayInputStream(new byte[size])), size)
                .timeout(TIMEOUT).byeTimeout(TIMEOUT).build().run(channel));
    }
}
