package dev.camelmsnftp.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One receiver's transfer slots ({@code maxConcurrentTransfers}) and the offers waiting for one
 * ({@code maxQueuedOffers}): a burst of offers is answered as slots free instead of refused, and only an offer that
 * finds the queue full is refused. A waiting offer holds no thread, port or file, only its place here.
 */
final class Slots {

    /** What became of an offer. */
    enum Admission {
        /** It has a slot: run it now. */
        START,
        /** It waits for a slot. */
        QUEUED,
        /** Slots and queue are full: refuse it. */
        FULL,
        /** The receiver stopped (see {@link #close()}): refuse it. */
        CLOSED
    }

    private final int slots;
    private final int capacity;
    private final ArrayDeque<InboundTransfer> waiting = new ArrayDeque<>();
    private int running;
    private boolean closed;

    Slots(int slots, int capacity) {
        this.slots = slots;
        this.capacity = capacity;
    }

    synchronized Admission admit(InboundTransfer transfer) {
        if (closed) {
            return Admission.CLOSED;
        }
        if (running < slots) {
            running++;
            return Admission.START;
        }
        if (waiting.size() < capacity) {
            waiting.addLast(transfer);
            return Admission.QUEUED;
        }
        return Admission.FULL;
    }

    /** A running transfer ended: the offer that waited longest takes its slot (returned), or the slot frees. */
    synchronized InboundTransfer next() {
        InboundTransfer next = waiting.pollFirst();
        if (next == null) {
            running--;
        }
        return next;
    }

    /** Takes an offer out of the queue (it expired or was cancelled); false when it is no longer waiting. */
    synchronized boolean withdraw(InboundTransfer transfer) {
        return waiting.remove(transfer);
    }

    /**
     * The receiver stops: no offer is admitted from now on, and the queue is emptied, returning what waited. An offer
     * admitted before is either returned here or has its slot.
     */
    synchronized List<InboundTransfer> close() {
        closed = true;
        List<InboundTransfer> drained = new ArrayList<>(waiting);
        waiting.clear();
        return drained;
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return waiting.size();
    }
}
