package dev.camelmsnftp.transfer;

import java.util.List;

/**
 * Told what happens to transfers, for progress bars, logs, counters and metrics. Each transfer is {@link #offered},
 * then either {@link #finished} as {@link Transfer.State#REJECTED} (declined before a byte moved), or
 * {@link #accepted}, {@link #progress} any number of times, and {@link #finished} once as
 * {@link Transfer.State#COMPLETED} or {@link Transfer.State#FAILED}.
 * <p>
 * Called on the thread that runs the transfer (the sender's caller, a transfer thread, or the SIP agent's executor for
 * offers declined at once): a listener must be quick and must not block. An exception it throws is logged and
 * otherwise ignored. Register one for every transfer of a manager with {@link TransferManager#addListener}, or for the
 * transfers of one sender or receiver with {@link TransferSettings.Builder#listener}.
 */
public interface TransferListener {

    /** Does nothing. */
    TransferListener NONE = new TransferListener() {
    };

    /** An INVITE was sent (we send) or received (we receive). */
    default void offered(Transfer transfer) {
    }

    /** The receiver accepted: {@link Transfer#flow()} and {@link Transfer#dialect()} are known, bytes follow. */
    default void accepted(Transfer transfer) {
    }

    /** More bytes moved: about every 64 KiB. */
    default void progress(Transfer transfer) {
    }

    /** The transfer ended: completed, rejected or failed ({@link Transfer#failure()} says why). */
    default void finished(Transfer transfer) {
    }

    /** One listener that tells each of {@code listeners} in turn. */
    static TransferListener all(List<? extends TransferListener> listeners) {
        List<TransferListener> copy = List.copyOf(listeners);
        if (copy.isEmpty()) {
            return NONE;
        }
        if (copy.size() == 1) {
            return copy.get(0);
        }
        return new TransferListener() {
            @Override
            public void offered(Transfer transfer) {
                copy.forEach(listener -> Transfer.safely(() -> listener.offered(transfer)));
            }

            @Override
            public void accepted(Transfer transfer) {
                copy.forEach(listener -> Transfer.safely(() -> listener.accepted(transfer)));
            }

            @Override
            public void progress(Transfer transfer) {
                copy.forEach(listener -> Transfer.safely(() -> listener.progress(transfer)));
            }

            @Override
            public void finished(Transfer transfer) {
                copy.forEach(listener -> Transfer.safely(() -> listener.finished(transfer)));
            }
        };
    }
}
