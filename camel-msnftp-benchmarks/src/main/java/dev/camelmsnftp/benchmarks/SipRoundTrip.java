package dev.camelmsnftp.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.benchmarks.Measurements.Latency;
import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;

/** One SIP MESSAGE and its 200 between two agents on loopback: the unit of signalling cost. */
final class SipRoundTrip {

    private SipRoundTrip() {
    }

    static Latency measure(SipMode mode, int count) throws Exception {
        try (SipAgent alice = agent("alice"); SipAgent bob = agent("bob")) {
            bob.addMessageListener("text/x-msmsgsinvite", message -> 200);
            String target = "sip:bob@127.0.0.1:" + bob.localPort();
            byte[] body = "Invitation-Command: INVITE\r\nInvitation-Cookie: 1\r\n".getBytes(StandardCharsets.US_ASCII);
            alice.sendMessage(target, "text/x-msmsgsinvite", body, mode).get(10, TimeUnit.SECONDS);
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                alice.sendMessage(target, "text/x-msmsgsinvite", body, mode).get(10, TimeUnit.SECONDS);
                nanos[i] = System.nanoTime() - start;
            }
            return Latency.of(nanos);
        }
    }

    private static SipAgent agent(String user) throws Exception {
        return SipAgent.start(SipAgentConfig.builder(user + "@bench.example").sipHost("127.0.0.1").sipPort(0)
                .requestTimeout(Duration.ofSeconds(5)).build());
    }
}
