package dev.camelmsnftp.transfer;

import java.util.function.Consumer;

/**
 * An inbound handler for the transfer-layer tests: files from {@code peers} with {@code settings}. By default a file
 * fails the test (nothing may arrive) and failures and offers not received are ignored; each test says what it wants
 * instead. Subclass it to override {@link #decide}.
 */
class TestHandler implements InboundHandler {

    /** What to do with a received file. */
    @FunctionalInterface
    interface FileAction {
        void accept(ReceivedFile file) throws Exception;
    }

    private final PeerFilter peers;
    private final TransferSettings settings;
    private FileAction onFile = file -> {
        throw new AssertionError("nothing may arrive here, yet " + file.fileName() + " did");
    };
    private Consumer<TransferException> onFailure = failure -> {
    };
    private Consumer<Offer> onNotReceived = offer -> {
    };

    TestHandler(String peers, TransferSettings settings) {
        this.peers = PeerFilter.parse(peers);
        this.settings = settings;
    }

    TestHandler onFile(FileAction action) {
        this.onFile = action;
        return this;
    }

    TestHandler onFailure(Consumer<TransferException> action) {
        this.onFailure = action;
        return this;
    }

    TestHandler onNotReceived(Consumer<Offer> action) {
        this.onNotReceived = action;
        return this;
    }

    @Override
    public PeerFilter peers() {
        return peers;
    }

    @Override
    public TransferSettings settings() {
        return settings;
    }

    @Override
    public void onFile(ReceivedFile file) throws Exception {
        onFile.accept(file);
    }

    @Override
    public void onFailure(TransferException failure) {
        onFailure.accept(failure);
    }

    @Override
    public void onNotReceived(Offer offer) {
        onNotReceived.accept(offer);
    }
}
