package dev.camelmsnftp.component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.transfer.TransferManager;
import dev.camelmsnftp.transfer.TransferStatistics;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * One SIP agent and its transfer manager, shared by the endpoints of a component that have the same SIP identity and
 * listening point, with the Camel thread pools they run on. Reference counted by the component.
 */
final class SharedAgent {

    private final SipAgent agent;
    private final TransferManager transfers;
    private final ExecutorService sipThreads;
    private final ExecutorService transferThreads;
    private final ScheduledExecutorService timer;
    private final ExecutorServiceManager executors;
    private final TransferStatistics statistics = new TransferStatistics();
    private int references;

    private SharedAgent(SipAgent agent, TransferManager transfers, ExecutorService sipThreads,
                        ExecutorService transferThreads, ScheduledExecutorService timer, ExecutorServiceManager executors) {
        this.agent = agent;
        this.transfers = transfers;
        this.sipThreads = sipThreads;
        this.transferThreads = transferThreads;
        this.timer = timer;
        this.executors = executors;
        transfers.addListener(statistics);
    }

    /** Starts the agent (registering when configured) with thread pools from Camel's ExecutorServiceManager. */
    static SharedAgent start(Object owner, CamelContext context, MsnftpConfiguration configuration) throws Exception {
        ExecutorServiceManager executors = context.getExecutorServiceManager();
        String user = configuration.getIdentity();
        ExecutorService sipThreads = executors.newThreadPool(owner, "MsnftpSip[" + user + "]", 1, 8);
        ExecutorService transferThreads = executors.newCachedThreadPool(owner, "MsnftpTransfer[" + user + "]");
        ScheduledExecutorService timer = executors.newSingleThreadScheduledExecutor(owner, "MsnftpOfferQueue[" + user + "]");
        try {
            SipAgent agent = SipAgent.start(configuration.sipAgentConfig(sipThreads, context));
            return new SharedAgent(agent, new TransferManager(agent, transferThreads, timer), sipThreads, transferThreads,
                    timer, executors);
        } catch (Exception | Error e) {
            executors.shutdownNow(sipThreads);
            executors.shutdownNow(transferThreads);
            executors.shutdownNow(timer);
            throw e;
        }
    }

    SipAgent agent() {
        return agent;
    }

    TransferManager transfers() {
        return transfers;
    }

    /** Counts of every transfer through this agent, both directions, for the dev console. */
    TransferStatistics statistics() {
        return statistics;
    }

    void retain() {
        references++;
    }

    /** Returns whether this was the last reference. */
    boolean release() {
        return --references == 0;
    }

    /** Cancels running transfers, stops the agent (BYE, unregister, port freed), and ends the pools. */
    void stop() {
        transfers.close();
        agent.close();
        executors.shutdownNow(timer);
        executors.shutdownGraceful(transferThreads);
        executors.shutdownGraceful(sipThreads);
    }
}
