package dev.camelmsnftp.protocol;

import java.io.OutputStream;
import java.nio.channels.Channels;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the MSNFTP receiver (Jazzer): the sender's side of the conversation is whatever the fuzzer
 * makes of it, over a real loopback connection. The receiver must end with a result or an {@link MsnftpException}
 * within its time-out; any other exception, or a hang, is a finding. Every build replays the corpus and fuzzes for
 * 10 s; {@code mvn -Pfuzz verify} fuzzes longer.
 */
class MsnftpReceiverFuzzTest extends SessionFuzzing {

    @FuzzTest(maxDuration = "10s")
    void receiverEndsCleanlyWhateverTheSenderSays(FuzzedDataProvider data) throws Exception {
        long size = data.consumeLong(0, 100_000);
        boolean encrypted = data.consumeBoolean();
        play(data.consumeRemainingAsBytes(), channel -> MsnftpReceiver.builder().localUser("bob@corp.example")
                .authCookie(AUTH_COOKIE).keys(encrypted ? KEYS : null)
                .sink(Channels.newChannel(OutputStream.nullOutputStream()), size)
                .timeout(TIMEOUT).byeTimeout(TIMEOUT).build().run(channel));
    }
}
