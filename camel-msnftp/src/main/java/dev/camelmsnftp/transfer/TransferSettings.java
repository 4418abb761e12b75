package dev.camelmsnftp.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipMode;

/**
 * How transfers are negotiated and limited (the transfer options of SPEC 5). Immutable; build with
 * {@link #builder(String)}.
 */
public final class TransferSettings {

    /** Bytes per second: slower than any working link, fast enough that trickling cannot hold a slot for long. */
    public static final long DEFAULT_MIN_TRANSFER_RATE = 1024;
    /** The default {@link #freeSpaceReserve()}: 64 MB (64,000,000 bytes). */
    public static final long DEFAULT_FREE_SPACE_RESERVE = 64_000_000L;
    /** The default {@link #maxQueuedOffers()}. */
    public static final int DEFAULT_MAX_QUEUED_OFFERS = 256;
    /** The default {@link #ackTimeout()}: 5 minutes. */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofMinutes(5);

    private final SipAddress localUser;
    private final String ftpHost;
    private final PortRange ftpPort;
    private final String advertisedAddress;
    private final PeerAddressPolicy ftpPeerAddresses;
    private final boolean connectivity;
    private final boolean alwaysListen;
    private final EncryptionPolicy encryption;
    private final SipMode sipMode;
    private final Duration acceptTimeout;
    private final Duration transferTimeout;
    private final long minTransferRate;
    private final long maxFileSize;
    private final long freeSpaceReserve;
    private final Path workDir;
    private final int maxConcurrentTransfers;
    private final int maxQueuedOffers;
    private final Acknowledgement acknowledge;
    private final Duration ackTimeout;
    private final TransferListener listener;

    private TransferSettings(Builder b) {
        this.localUser = SipAddress.parse(b.localUser);
        this.ftpHost = Objects.requireNonNull(b.ftpHost);
        this.ftpPort = Objects.requireNonNull(b.ftpPort);
        this.advertisedAddress = b.advertisedAddress;
        if (advertisedAddress != null) {
            try {
                Addresses.literal(advertisedAddress, "advertisedAddress");
            } catch (Addresses.NotAnAddress e) {
                // a peer must not look up a name we send (ours refuses one), so we do not send one
                throw new IllegalArgumentException(e.getMessage() + ": give the IP address peers reach us at");
            }
        }
        this.ftpPeerAddresses = Objects.requireNonNull(b.ftpPeerAddresses, "ftpPeerAddresses");
        this.connectivity = b.connectivity;
        this.alwaysListen = b.alwaysListen;
        this.encryption = Objects.requireNonNull(b.encryption);
        this.sipMode = Objects.requireNonNull(b.sipMode);
        this.acceptTimeout = positive(b.acceptTimeout, "acceptTimeout");
        this.transferTimeout = positive(b.transferTimeout, "transferTimeout");
        this.minTransferRate = b.minTransferRate;
        if (minTransferRate < 0) {
            throw new IllegalArgumentException("minTransferRate must be >= 0 (0: no minimum)");
        }
        this.maxFileSize = b.maxFileSize;
        this.freeSpaceReserve = b.freeSpaceReserve;
        this.workDir = b.workDir != null ? b.workDir : defaultWorkDir(localUser);
        this.maxConcurrentTransfers = b.maxConcurrentTransfers;
        this.maxQueuedOffers = b.maxQueuedOffers;
        this.acknowledge = Objects.requireNonNull(b.acknowledge, "acknowledge");
        this.ackTimeout = positive(b.ackTimeout, "ackTimeout");
        this.listener = Objects.requireNonNull(b.listener, "listener");
        if (maxFileSize < 0) {
            throw new IllegalArgumentException("maxFileSize must be >= 0 (0: no limit)");
        }
        if (freeSpaceReserve < 0) {
            throw new IllegalArgumentException("freeSpaceReserve must be >= 0");
        }
        if (maxConcurrentTransfers < 1) {
            throw new IllegalArgumentException("maxConcurrentTransfers must be >= 1");
        }
        if (maxQueuedOffers < 0) {
            throw new IllegalArgumentException("maxQueuedOffers must be >= 0 (0: no queue)");
        }
    }

    /**
     * The work directory when none is set: {@code camel-msnftp-<os user>/<localUser>} in the temporary folder
     * ({@link WorkDirectory#defaultFor}), per operating system user, and the same on every run so that what a killed
     * process left there is cleaned at the next start (see {@link WorkDirectoryLock}).
     */
    public static Path defaultWorkDir(SipAddress localUser) {
        return WorkDirectory.defaultFor(localUser.addressOfRecord());
    }

    public static Builder builder(String localUser) {
        return new Builder(localUser);
    }

    private static Duration positive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    /** Our SIP address: sent in MSNFTP's USR when we receive. */
    public SipAddress localUser() {
        return localUser;
    }

    public String ftpHost() {
        return ftpHost;
    }

    public PortRange ftpPort() {
        return ftpPort;
    }

    public Optional<String> advertisedAddress() {
        return Optional.ofNullable(advertisedAddress);
    }

    /** Which addresses the other end of an MSNFTP connection may have: where we connect, whom our listener takes. */
    public PeerAddressPolicy ftpPeerAddresses() {
        return ftpPeerAddresses;
    }

    /** Sender: false sends {@code Connectivity: N} (flow B). */
    public boolean connectivity() {
        return connectivity;
    }

    /** Receiver: offer to listen even without {@code Connectivity: N} (flow C). */
    public boolean alwaysListen() {
        return alwaysListen;
    }

    public EncryptionPolicy encryption() {
        return encryption;
    }

    /** How our invitations travel: IM session or pager. */
    public SipMode sipMode() {
        return sipMode;
    }

    /** Waiting for an answer to an INVITE, and for the TCP connection. */
    public Duration acceptTimeout() {
        return acceptTimeout;
    }

    /** The longest silence during a transfer, and the wait for BYE and MAC. */
    public Duration transferTimeout() {
        return transferTimeout;
    }

    /**
     * The slowest a transfer's data may move, in bytes per second on average over each {@link #transferTimeout()}
     * window, in both directions; 0 means only silence is bounded.
     */
    public long minTransferRate() {
        return minTransferRate;
    }

    /** Receiver: larger files are declined; 0 means no limit. */
    public long maxFileSize() {
        return maxFileSize;
    }

    /**
     * Receiver: bytes of the work directory's file system that received files must leave free; an offer that does not
     * fit in the usable space less this (and less what accepted transfers still have to write) is declined.
     */
    public long freeSpaceReserve() {
        return freeSpaceReserve;
    }

    /**
     * Where received files are written, and streams of unknown length spooled; one process at a time (see
     * {@link WorkDirectoryLock}). By default {@link #defaultWorkDir(SipAddress)}. Created owner-only; refused when
     * others could write it (see {@link WorkDirectory}).
     */
    public Path workDir() {
        return workDir;
    }

    public int maxConcurrentTransfers() {
        return maxConcurrentTransfers;
    }

    /**
     * Receiver: offers that wait for a transfer slot when {@link #maxConcurrentTransfers()} are under way; each is
     * answered when a slot frees, or declined with {@code CANCEL FAIL} after {@link #acceptTimeout()}. An offer that
     * finds the queue full is declined at once. 0: no queue.
     */
    public int maxQueuedOffers() {
        return maxQueuedOffers;
    }

    /**
     * When the receiver tells the sender "delivered": after its handler delivered the file, or as soon as it has the
     * bytes. Both sides must want {@link Acknowledgement#AFTER_ROUTE} for it to apply.
     */
    public Acknowledgement acknowledge() {
        return acknowledge;
    }

    /** Sender: how long to wait for the receiver to say whether it delivered the file (it said it would). */
    public Duration ackTimeout() {
        return ackTimeout;
    }

    /** Told of each transfer made with these settings (besides the manager's own listeners). */
    public TransferListener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "TransferSettings[localUser=" + localUser + ", ftp=" + ftpHost + ":" + ftpPort + ", encryption=" + encryption
               + ", sipMode=" + sipMode + ", connectivity=" + connectivity + ", alwaysListen=" + alwaysListen + "]";
    }

    /** Builds {@link TransferSettings} with the SPEC defaults. */
    public static final class Builder {
        private final String localUser;
        private String ftpHost = "0.0.0.0";
        private PortRange ftpPort = PortRange.ANY;
        private String advertisedAddress;
        private PeerAddressPolicy ftpPeerAddresses = PeerAddressPolicy.SIP;
        private boolean connectivity;
        private boolean alwaysListen;
        private EncryptionPolicy encryption = EncryptionPolicy.AUTO;
        private SipMode sipMode = SipMode.SESSION;
        private Duration acceptTimeout = Duration.ofSeconds(30);
        private Duration transferTimeout = Duration.ofSeconds(60);
        private long minTransferRate = DEFAULT_MIN_TRANSFER_RATE;
        private long maxFileSize;
        private long freeSpaceReserve = DEFAULT_FREE_SPACE_RESERVE;
        private Path workDir;
        private int maxConcurrentTransfers = 16;
        private int maxQueuedOffers = DEFAULT_MAX_QUEUED_OFFERS;
        private Acknowledgement acknowledge = Acknowledgement.AFTER_ROUTE;
        private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
        private TransferListener listener = TransferListener.NONE;

        private Builder(String localUser) {
            this.localUser = Objects.requireNonNull(localUser, "localUser");
        }

        public Builder ftpHost(String ftpHost) {
            this.ftpHost = ftpHost;
            return this;
        }

        public Builder ftpPort(PortRange ftpPort) {
            this.ftpPort = ftpPort;
            return this;
        }

        public Builder advertisedAddress(String advertisedAddress) {
            this.advertisedAddress = advertisedAddress;
            return this;
        }

        public Builder ftpPeerAddresses(PeerAddressPolicy ftpPeerAddresses) {
            this.ftpPeerAddresses = ftpPeerAddresses;
            return this;
        }

        public Builder connectivity(boolean connectivity) {
            this.connectivity = connectivity;
            return this;
        }

        public Builder alwaysListen(boolean alwaysListen) {
            this.alwaysListen = alwaysListen;
            return this;
        }

        public Builder encryption(EncryptionPolicy encryption) {
            this.encryption = encryption;
            return this;
        }

        public Builder sipMode(SipMode sipMode) {
            this.sipMode = sipMode;
            return this;
        }

        public Builder acceptTimeout(Duration acceptTimeout) {
            this.acceptTimeout = acceptTimeout;
            return this;
        }

        public Builder transferTimeout(Duration transferTimeout) {
            this.transferTimeout = transferTimeout;
            return this;
        }

        public Builder minTransferRate(long bytesPerSecond) {
            this.minTransferRate = bytesPerSecond;
            return this;
        }

        public Builder maxFileSize(long maxFileSize) {
            this.maxFileSize = maxFileSize;
            return this;
        }

        public Builder freeSpaceReserve(long freeSpaceReserve) {
            this.freeSpaceReserve = freeSpaceReserve;
            return this;
        }

        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder maxConcurrentTransfers(int maxConcurrentTransfers) {
            this.maxConcurrentTransfers = maxConcurrentTransfers;
            return this;
        }

        public Builder maxQueuedOffers(int maxQueuedOffers) {
            this.maxQueuedOffers = maxQueuedOffers;
            return this;
        }

        public Builder acknowledge(Acknowledgement acknowledge) {
            this.acknowledge = acknowledge;
            return this;
        }

        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        /** Told of each transfer made with these settings: progress bars, logs, counters. */
        public Builder listener(TransferListener listener) {
            this.listener = listener;
            return this;
        }

        public TransferSettings build() {
            return new TransferSettings(this);
        }
    }
}
