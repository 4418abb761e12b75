package dev.camelmsnftp.transfer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.testsupport.Threads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the transfer-layer tests between two parties share: alice and bob, each a real SIP agent on a free loopback
 * port with a {@link TransferManager}, both on one thread pool. {@link #stop} ends them all and checks that the pool
 * ends and that no thread they started is left.
 */
final class ManagersOnLoopback {

    final SipAgent aliceAgent;
    final SipAgent bobAgent;
    final ExecutorService threads;
    final TransferManager alice;
    final TransferManager bob;
    private final Set<Thread> baseline;

    ManagersOnLoopback() throws Exception {
        baseline = Threads.snapshot();
        aliceAgent = SipAgent.start(SipAgentConfig.builder("alice@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        bobAgent = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        threads = Executors.newCachedThreadPool();
        alice = new TransferManager(aliceAgent, threads);
        bob = new TransferManager(bobAgent, threads);
    }

    /** Closes the managers, the agents and the pool; {@code beforeThreadCheck} runs once the pool has ended. */
    void stop(Runnable beforeThreadCheck) throws Exception {
        alice.close();
        bob.close();
        aliceAgent.close();
        bobAgent.close();
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        beforeThreadCheck.run();
        Threads.awaitNoNewThreads(baseline, Duration.ofSeconds(10));
    }
}
