package dev.camelmsnftp.sip;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import dev.camelmsnftp.transfer.EncryptionPolicy;
import dev.camelmsnftp.transfer.FileSource;
import dev.camelmsnftp.transfer.InboundHandler;
import dev.camelmsnftp.transfer.PeerFilter;
import dev.camelmsnftp.transfer.ReceivedFile;
import dev.camelmsnftp.transfer.TransferManager;
import dev.camelmsnftp.transfer.TransferSettings;
import gov.nist.javax.sip.stack.SIPClientTransactionImpl;
import gov.nist.javax.sip.stack.SIPServerTransactionImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-transfer state must not outlive the transfer: after small files (and one encrypted file large enough for the
 * crypto pipeline) between two real agents over UDP, both JAIN-SIP stacks hold no transaction and the agents no
 * pending request within a couple of seconds, not after Timer J (32 s) or Timer K (5 s) as JAIN-SIP would by itself
 * (about 30 KiB of heap per small file stayed reachable that long). Not in the stacks' tables is not enough: the
 * transactions themselves must become garbage (counted in the live heap after a full collection; JAIN-SIP's Timer K
 * task kept every UDP client transaction reachable for 5 s after it ended). Only the compact record of answered
 * requests stays, bounded, for retransmissions.
 */
class TransferStateLeakTest {

    private static final int FILES = 25;
    /** Far below Timer J and Timer K: the state must be gone as soon as the transfers are. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(3);
    /** Transactions that may stay reachable: a session's dialog keeps its INVITE's, one on each side. */
    private static final int KEPT_BY_DIALOGS = 2;

    @TempDir
    Path dir;
    private SipAgent aliceAgent;
    private SipAgent bobAgent;
    private TransferManager alice;
    private TransferManager bob;
    private ExecutorService transfers;
    private final BlockingQueue<ReceivedFile> received = new LinkedBlockingQueue<>();
    /** JAIN-SIP transactions alive in this JVM before the agents started (other tests' leftovers, if any). */
    private long transactionsBefore;

    @BeforeEach
    void start() throws Exception {
        transactionsBefore = liveTransactions();
        aliceAgent = SipAgent.start(SipAgentConfig.builder("alice@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        bobAgent = SipAgent.start(SipAgentConfig.builder("bob@corp.example").sipHost("127.0.0.1").sipPort(0).build());
        transfers = Executors.newCachedThreadPool();
        alice = new TransferManager(aliceAgent, transfers);
        bob = new TransferManager(bobAgent, transfers);
        TransferSettings settings = settings("bob@corp.example").encryption(EncryptionPolicy.AUTO).build();
        bob.addInboundHandler(new InboundHandler() {
            @Override
            public PeerFilter peers() {
                return PeerFilter.ANYONE;
            }

            @Override
            public TransferSettings settings() {
                return settings;
            }

            @Override
            public void onFile(ReceivedFile file) {
                received.add(file);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        alice.close();
        bob.close();
        aliceAgent.close();
        bobAgent.close();
        transfers.shutdown();
        assertThat(transfers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private TransferSettings.Builder settings(String user) {
        return TransferSettings.builder(user).ftpHost("127.0.0.1").workDir(dir.resolve("work-" + user))
                .acceptTimeout(Duration.ofSeconds(10)).transferTimeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SipMode.class)
    void noTransactionOrRequestSurvivesTheTransfers(SipMode mode) throws Exception {
        String bobAddress = "sip:bob@127.0.0.1:" + bobAgent.localPort();
        TransferSettings plain = settings("alice@corp.example").sipMode(mode).encryption(EncryptionPolicy.DISABLED).build();
        TransferSettings encrypted = settings("alice@corp.example").sipMode(mode).encryption(EncryptionPolicy.AUTO).build();
        byte[] small = new byte[4096];
        byte[] large = new byte[1_500_000];
        new Random(7).nextBytes(large);
        for (int i = 0; i < FILES; i++) {
            alice.send(bobAddress, FileSource.of(small, "small-" + i + ".bin"), plain);
        }
        alice.send(bobAddress, FileSource.of(Files.write(dir.resolve("large.bin"), large), "large.bin"), encrypted);
        for (int i = 0; i <= FILES; i++) {
            ReceivedFile file = received.poll(10, TimeUnit.SECONDS);
            assertThat(file).as("file %d of %d", i + 1, FILES + 1).isNotNull();
            file.delete();
        }

        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(alice.activeTransfers() + bob.activeTransfers()).as("transfers under way").isZero();
            assertThat(aliceAgent.stackTransactions()).as("transactions in alice's stack").isZero();
            assertThat(bobAgent.stackTransactions()).as("transactions in bob's stack").isZero();
            assertThat(aliceAgent.pendingRequests() + bobAgent.pendingRequests()).as("requests pending").isZero();
        });
        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(liveTransactions() - transactionsBefore).as("JAIN-SIP transactions still reachable")
                        .isLessThanOrEqualTo(mode == SipMode.SESSION ? KEPT_BY_DIALOGS : 0));
        // each transfer's MESSAGEs (INVITE and ACCEPT, and the INVITE of the session) are remembered compactly
        assertThat(aliceAgent.rememberedAnswers() + bobAgent.rememberedAnswers()).isBetween(2 * (FILES + 1),
                2 * (FILES + 1) + 4);
        if (mode == SipMode.SESSION) {
            assertThat(aliceAgent.openSessions()).as("the IM session itself is reused, not per transfer").isEqualTo(1);
        }
    }

    /**
     * JAIN-SIP transaction objects reachable in this JVM, from a class histogram of the live heap (the JVM's
     * {@code GC.class_histogram}, which collects first): whatever still holds them, they are counted.
     */
    private static long liveTransactions() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long count = 0;
        for (String line : histogram.split("\\R")) {
            // "   12:          1529         354728  gov.nist.javax.sip.stack.SIPClientTransactionImpl"
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && (columns[3].equals(SIPClientTransactionImpl.class.getName())
                                        || columns[3].equals(SIPServerTransactionImpl.class.getName()))) {
                count += Long.parseLong(columns[1]);
            }
        }
        return count;
    }
}
