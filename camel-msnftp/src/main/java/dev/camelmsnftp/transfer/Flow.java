package dev.camelmsnftp.transfer;

/** Who listens for the MSNFTP connection (SPEC 3.1). */
public enum Flow {
    /** No Connectivity in the INVITE, plain ACCEPT: the sender answers with its address and listens. */
    A,
    /** {@code Connectivity: N}: the receiver listens ({@code Sender-Connect: TRUE}). */
    B,
    /** No Connectivity, but the receiver offers to listen anyway (option alwaysListen). */
    C;

    /** Whether the receiver is the one listening. */
    public boolean receiverListens() {
        return this != A;
    }
}
