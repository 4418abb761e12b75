package dev.camelmsnftp.component;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;

import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.sip.SipAgentConfig;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.sip.TlsSettings;
import dev.camelmsnftp.transfer.Acknowledgement;
import dev.camelmsnftp.transfer.EncryptionPolicy;
import dev.camelmsnftp.transfer.PeerAddressPolicy;
import dev.camelmsnftp.transfer.PortRange;
import dev.camelmsnftp.transfer.TransferListener;
import dev.camelmsnftp.transfer.TransferLogging;
import dev.camelmsnftp.transfer.TransferSettings;
import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.slf4j.event.Level;

/**
 * The options of the {@code msnftp:} component (SPEC section 5). Set once on the component and copied per
 * endpoint, where URI parameters override them.
 */
@UriParams
public class MsnftpConfiguration implements Cloneable {

    @UriParam(label = "common")
    @Metadata(required = true, description = "Our own SIP address in the usual user-at-domain form, with or without sip:"
                                             + " (the From of what we send, the user in MSNFTP USR, and the Contact user).")
    private String identity;

    // Camel's URI sanitising masks every option whose name contains "user" (logs, JMX, route dumps), which made our
    // own address unreadable there; the option is identity now, and localUser stays as an alias of it
    @Deprecated
    @UriParam(label = "common", description = "The former name of identity, still accepted.")
    @Metadata(deprecationNote = "Use identity: Camel masks every option whose name contains 'user' in logs, JMX and route"
                                + " dumps, so the address given as localUser showed as localUser=xxxxxx.")
    private String localUser;

    @UriParam(label = "common", defaultValue = "0.0.0.0", description = "The local address the SIP stack listens on.")
    private String sipHost = "0.0.0.0";

    @UriParam(label = "common", defaultValue = "5060", description = "The local port the SIP stack listens on; 0 picks a free port.")
    private int sipPort = 5060;

    @UriParam(label = "common", defaultValue = "udp", enums = "udp,tcp,tls",
              description = "The SIP transport (any case: udp and UDP are the same).")
    private SipTransport sipTransport = SipTransport.UDP;

    @UriParam(label = "common", description = "A registrar to REGISTER our identity at, as host or host:port; none means no registration.")
    private String registrar;

    @UriParam(label = "common", defaultValue = "600s", javaType = "java.time.Duration",
              description = "With a registrar: the registration lifetime to ask for (the Expires of our REGISTER), refreshed at"
                            + " 80 % of what the registrar grants; a registrar's 423 Min-Expires raises it. At least 1s.")
    private long registerExpires = 600_000;

    @UriParam(label = "advanced", defaultValue = "15s", javaType = "java.time.Duration",
              description = "With a registrar: how often to check that it still holds our registration (a REGISTER query, which"
                            + " also keeps the connection and NAT bindings toward it alive). A registration the registrar lost,"
                            + " because it restarted, is renewed at once, so the user is reachable again within about this"
                            + " long of the registrar's return; over TCP and TLS a closed connection to the registrar renews it"
                            + " at once as well. 0 turns the checks off.")
    private long keepAliveInterval = 15_000;

    @UriParam(label = "common", description = "An outbound proxy that every SIP request goes through: host, host:port, or host:port/transport"
                                                + " (udp, tcp, tls).")
    private String outboundProxy;

    @UriParam(label = "security", secret = true,
              description = "The user name for SIP digest authentication; by default the user part of identity.")
    private String authUsername;

    @UriParam(label = "security", secret = true, description = "The password for SIP digest authentication.")
    private String password;

    @UriParam(label = "security",
              description = "TLS for sipTransport=tls: our certificate (key managers) and the authorities we trust (trust"
                            + " managers), as Camel's SSLContextParameters. Without it (and without"
                            + " useGlobalSslContextParameters on the component), the JVM's default SSL context.")
    private SSLContextParameters sslContextParameters;

    @UriParam(label = "security", defaultValue = "true",
              description = "Whether a TLS connection we open checks that the peer's certificate is for the host we connect to"
                            + " (the registrar's, the outbound proxy's or the peer's, as configured; RFC 2818 rules). Turn it"
                            + " off only where certificates cannot name the host, such as in a lab.")
    private boolean verifyHostname = true;

    @UriParam(label = "common", defaultValue = "0.0.0.0", description = "The local address our MSNFTP listener binds to.")
    private String ftpHost = "0.0.0.0";

    @UriParam(label = "common", defaultValue = "0",
              description = "The port of our MSNFTP listener: 0 for any free port, a fixed port, or a range such as 6891-6900.")
    private String ftpPort = "0";

    @UriParam(label = "common",
              description = "The IP address to put in IP-Address of our ACCEPT; by default the bind address, or the local"
                            + " address toward the peer when bound to a wildcard.")
    private String advertisedAddress;

    @UriParam(label = "security", defaultValue = "sip",
              description = "Which addresses the other end of an MSNFTP connection may have: where we connect when the peer's"
                            + " ACCEPT says where it listens, and whom our listener takes. sip: the addresses the peer's SIP"
                            + " requests showed (where their packets came from and, through a proxy, the originating Via); add IP addresses or CIDR"
                            + " ranges, comma-separated, for peers behind NAT or relays; any: any address but loopback."
                            + " Loopback passes only when the peer is on loopback or is listed.")
    private String ftpPeerAddresses = "sip";

    @UriParam(label = "producer", defaultValue = "false",
              description = "false sends Connectivity: N so that the receiver listens (flow B); true lets the receiver choose"
                            + " (flow A or C).")
    private boolean connectivity;

    @UriParam(label = "consumer", defaultValue = "false",
              description = "Offer to listen even when the INVITE has no Connectivity: N (flow C). Old senders (aMSN, MSN"
                            + " Messenger before 5.0) hang on it.")
    private boolean alwaysListen;

    @UriParam(label = "security", defaultValue = "auto", enums = "auto,required,disabled",
              description = "auto: the encrypted variant (MSN_SECURE_FTP) when the peer asks for or offers it, plain otherwise;"
                            + " required: refuse plain transfers; disabled: refuse encrypted ones (any case).")
    private EncryptionPolicy encryption = EncryptionPolicy.AUTO;

    @UriParam(label = "common", defaultValue = "session", enums = "session,pager",
              description = "How we carry our invitations: session (an IM session set up with INVITE, as OCS does) or pager"
                            + " (out-of-dialog MESSAGE). Both are always accepted (any case).")
    private SipMode sipMode = SipMode.SESSION;

    @UriParam(label = "common", defaultValue = "30s", javaType = "java.time.Duration",
              description = "How long to wait for an answer to an INVITE, and for the TCP connection.")
    private long acceptTimeout = 30_000;

    @UriParam(label = "common", defaultValue = "60s", javaType = "java.time.Duration",
              description = "The longest silence on the TCP connection during a transfer.")
    private long transferTimeout = 60_000;

    @UriParam(label = "common", defaultValue = "1024",
              description = "The slowest a transfer's data may move, in bytes per second on average over each transferTimeout"
                            + " window (in both directions): a peer that moves less is dropped (CANCEL FTTIMEOUT), so that"
                            + " one trickling a byte now and then cannot hold a transfer slot for ever. 0 bounds only"
                            + " silence.")
    private long minTransferRate = TransferSettings.DEFAULT_MIN_TRANSFER_RATE;

    @UriParam(label = "consumer", defaultValue = "0",
              description = "Decline offers of larger files (CANCEL REJECT) before a byte is sent; 0 means no limit. A number of"
                            + " bytes or a size with a unit: 5MB (5,000,000 bytes; KB, MB, GB, TB are powers of 1000) or 5MiB"
                            + " (5,242,880 bytes; KiB, MiB, GiB, TiB are powers of 1024).")
    private String maxFileSize = "0";

    @UriParam(label = "consumer", defaultValue = "64MB",
              description = "Space that received files must leave free on workDir's file system: an offer that does not fit in"
                            + " the usable space less this (and less what transfers under way still have to write) is declined"
                            + " with CANCEL REJECT before a byte is sent. A size like maxFileSize; 0 keeps nothing back.")
    private String freeSpaceReserve = "64MB";

    @UriParam(label = "common",
              description = "Where the consumer writes received files before handing them on (and the producer spools streams"
                            + " of unknown length). By default a folder of this operating system user's own under"
                            + " java.io.tmpdir: camel-msnftp-USER/IDENTITY (USER the operating system user, IDENTITY the"
                            + " SIP identity). Created owner-only (rwx------); one that another user could write (group- or world-writable, owned by someone else, or in such a"
                            + " folder that is not sticky) stops the route. One process at a time: it is locked while in"
                            + " use (another process using it fails to start), and the temporary files a killed process"
                            + " left there are deleted when the next one starts.")
    private String workDir;

    @UriParam(label = "common", defaultValue = "16",
              description = "Transfers in flight at once; further INVITEs get CANCEL FAIL (consumer) or wait (producer)."
                            + " A producer's bound is its endpoint's: all routes sending to the same URI share it.")
    private int maxConcurrentTransfers = 16;

    @UriParam(label = "consumer", defaultValue = "256",
              description = "Offers that wait for a transfer slot while maxConcurrentTransfers transfers are under way: each is"
                            + " answered as soon as a slot frees (a burst of offers needs no redelivery), or declined with"
                            + " CANCEL FAIL when no slot freed within acceptTimeout. An offer that finds the queue full is"
                            + " declined with CANCEL FAIL at once. 0: no queue. A waiting offer holds no thread, port or file.")
    private int maxQueuedOffers = TransferSettings.DEFAULT_MAX_QUEUED_OFFERS;

    @UriParam(label = "common", defaultValue = "afterRoute", enums = "afterRoute,afterReceive",
              description = "When the sender is told a file was delivered. afterRoute: only after the consumer's exchange"
                            + " completed successfully; a failed exchange is a TransferFailedException at the producer, so"
                            + " Camel's redelivery sends the file again. afterReceive: as soon as the consumer has every byte"
                            + " (and checked the MAC). afterRoute applies between two endpoints that both have it (they agree"
                            + " on it in the invitation); any other peer gets afterReceive, exactly as before.")
    private Acknowledgement acknowledge = Acknowledgement.AFTER_ROUTE;

    @UriParam(label = "producer", defaultValue = "5m", javaType = "java.time.Duration",
              description = "With acknowledge=afterRoute: how long the producer waits, after the last byte, for the consumer"
                            + " to say whether its route delivered the file; then the send fails with"
                            + " TransferTimeoutException (the file may have been delivered: make the consumer idempotent).")
    private long ackTimeout = TransferSettings.DEFAULT_ACK_TIMEOUT.toMillis();

    @UriParam(label = "producer",
              description = "The file name to offer, a simple expression; by default the CamelFileName header, else the name of a File or Path body, else the exchange id.")
    private String fileName;

    @UriParam(label = "consumer",
              description = "Further senders whose files are accepted, besides the peer of the URI: a comma-separated list of"
                            + " SIP addresses in the user-at-domain form and patterns for a whole domain (a star, the at sign"
                            + " and the domain). With the wildcard peer (a star: anyone) and this list, only the list is"
                            + " accepted. Other senders get CANCEL REJECT and an INFO"
                            + " log line; no byte of their file is sent.")
    private String allowedSenders;

    @UriParam(label = "consumer,filter",
              description = "Is used to include files, if the offered file name (reduced to a plain name, as CamelFileName)"
                            + " matches the regex pattern (matching is case in-sensitive); others are declined with CANCEL"
                            + " REJECT before a byte is sent. As camel-ftp's include.")
    private String include;

    @UriParam(label = "consumer,filter",
              description = "Is used to exclude files, if the offered file name (reduced to a plain name, as CamelFileName)"
                            + " matches the regex pattern (matching is case in-sensitive); they are declined with CANCEL REJECT"
                            + " before a byte is sent. Takes precedence over include. As camel-ftp's exclude.")
    private String exclude;

    @UriParam(label = "consumer", defaultValue = ".failed",
              description = "Where a received file whose exchange failed is kept (it is never deleted): a folder, relative to"
                            + " workDir unless absolute; the file keeps its plain name (with the cookie added when taken) and"
                            + " gets a hidden sidecar (its name with a leading dot and .headers appended, e.g. .report.pdf.headers)"
                            + " with its headers and the failure. false (or empty) keeps it in workDir itself, under its plain"
                            + " name, with the same sidecar. To replay the files, route the folder again with a file: consumer"
                            + " (workDir/.failed by default), which skips the hidden sidecars.")
    private String moveFailed = ".failed";

    @UriParam(label = "consumer,filter", defaultValue = "false",
              description = "Decline files already received: each file's idempotentKey goes into the idempotentRepository, and"
                            + " an offer whose key is there is declined with CANCEL REJECT before a byte is sent (or, when the"
                            + " key needs the file's content, dropped once received and acknowledged as delivered, so that the"
                            + " sender does not send it again). A key is removed again when its file does not arrive or its"
                            + " exchange fails.")
    private boolean idempotent;

    @UriParam(label = "consumer,filter",
              description = "The repository of received keys when idempotent=true (any Camel IdempotentRepository, such as the"
                            + " file-based or a JDBC one); by default one in memory that remembers the last 1000 keys.")
    private IdempotentRepository idempotentRepository;

    @UriParam(label = "consumer,filter",
              description = "The key of a file for idempotent=true, a simple expression over the headers of the exchange the file"
                            + " would give (CamelMsnftpRemoteUser, CamelFileName, CamelMsnftpOriginalFileName, CamelFileLength,"
                            + " ...): by default the sender, the offered name and the size. A key that reads the body (the file)"
                            + " is checked once the file is in.")
    private String idempotentKey;

    @UriParam(label = "advanced", defaultValue = "DEBUG",
              description = "The level of the progress lines of transfers (a line when accepted, then one per"
                            + " transferLoggingIntervalSeconds with bytes, percent, rate and time left); OFF for none. The"
                            + " summary line when a transfer ends is always logged at INFO.")
    private LoggingLevel transferLoggingLevel = LoggingLevel.DEBUG;

    @UriParam(label = "advanced", defaultValue = "5",
              description = "Seconds between two progress lines of one transfer.")
    private int transferLoggingIntervalSeconds = 5;

    @UriParam(label = "advanced", defaultValue = "false",
              description = "A progress line for every step of about 64 KiB instead of one per interval.")
    private boolean transferLoggingVerbose;

    /** A copy for one endpoint, so that URI parameters do not change the component's settings. */
    public MsnftpConfiguration copy() {
        try {
            return (MsnftpConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public String getIdentity() {
        return identity;
    }

    public void setIdentity(String identity) {
        this.identity = identity;
    }

    /** The former name of {@link #getIdentity()}. */
    @Deprecated
    public String getLocalUser() {
        return identity;
    }

    /** The former name of {@link #setIdentity(String)}: sets the identity. */
    @Deprecated
    public void setLocalUser(String localUser) {
        this.identity = localUser;
    }

    public String getSipHost() {
        return sipHost;
    }

    public void setSipHost(String sipHost) {
        this.sipHost = sipHost;
    }

    public int getSipPort() {
        return sipPort;
    }

    public void setSipPort(int sipPort) {
        this.sipPort = sipPort;
    }

    public SipTransport getSipTransport() {
        return sipTransport;
    }

    public void setSipTransport(SipTransport sipTransport) {
        this.sipTransport = sipTransport;
    }

    public String getRegistrar() {
        return registrar;
    }

    public void setRegistrar(String registrar) {
        this.registrar = registrar;
    }

    public long getRegisterExpires() {
        return registerExpires;
    }

    public void setRegisterExpires(long registerExpires) {
        this.registerExpires = registerExpires;
    }

    public long getKeepAliveInterval() {
        return keepAliveInterval;
    }

    public void setKeepAliveInterval(long keepAliveInterval) {
        this.keepAliveInterval = keepAliveInterval;
    }

    public String getOutboundProxy() {
        return outboundProxy;
    }

    public void setOutboundProxy(String outboundProxy) {
        this.outboundProxy = outboundProxy;
    }

    public String getAuthUsername() {
        return authUsername;
    }

    public void setAuthUsername(String authUsername) {
        this.authUsername = authUsername;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isVerifyHostname() {
        return verifyHostname;
    }

    public void setVerifyHostname(boolean verifyHostname) {
        this.verifyHostname = verifyHostname;
    }

    public String getFtpHost() {
        return ftpHost;
    }

    public void setFtpHost(String ftpHost) {
        this.ftpHost = ftpHost;
    }

    public String getFtpPort() {
        return ftpPort;
    }

    public void setFtpPort(String ftpPort) {
        this.ftpPort = ftpPort;
    }

    public String getAdvertisedAddress() {
        return advertisedAddress;
    }

    public void setAdvertisedAddress(String advertisedAddress) {
        this.advertisedAddress = advertisedAddress;
    }

    public String getFtpPeerAddresses() {
        return ftpPeerAddresses;
    }

    public void setFtpPeerAddresses(String ftpPeerAddresses) {
        this.ftpPeerAddresses = ftpPeerAddresses;
    }

    public boolean isConnectivity() {
        return connectivity;
    }

    public void setConnectivity(boolean connectivity) {
        this.connectivity = connectivity;
    }

    public boolean isAlwaysListen() {
        return alwaysListen;
    }

    public void setAlwaysListen(boolean alwaysListen) {
        this.alwaysListen = alwaysListen;
    }

    public EncryptionPolicy getEncryption() {
        return encryption;
    }

    public void setEncryption(EncryptionPolicy encryption) {
        this.encryption = encryption;
    }

    public SipMode getSipMode() {
        return sipMode;
    }

    public void setSipMode(SipMode sipMode) {
        this.sipMode = sipMode;
    }

    public long getAcceptTimeout() {
        return acceptTimeout;
    }

    public void setAcceptTimeout(long acceptTimeout) {
        this.acceptTimeout = acceptTimeout;
    }

    public long getTransferTimeout() {
        return transferTimeout;
    }

    public void setTransferTimeout(long transferTimeout) {
        this.transferTimeout = transferTimeout;
    }

    public long getMinTransferRate() {
        return minTransferRate;
    }

    public void setMinTransferRate(long minTransferRate) {
        this.minTransferRate = minTransferRate;
    }

    public String getMaxFileSize() {
        return maxFileSize;
    }

    public void setMaxFileSize(String maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    public String getFreeSpaceReserve() {
        return freeSpaceReserve;
    }

    public void setFreeSpaceReserve(String freeSpaceReserve) {
        this.freeSpaceReserve = freeSpaceReserve;
    }

    public String getWorkDir() {
        return workDir;
    }

    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }

    public int getMaxConcurrentTransfers() {
        return maxConcurrentTransfers;
    }

    public void setMaxConcurrentTransfers(int maxConcurrentTransfers) {
        this.maxConcurrentTransfers = maxConcurrentTransfers;
    }

    public int getMaxQueuedOffers() {
        return maxQueuedOffers;
    }

    public void setMaxQueuedOffers(int maxQueuedOffers) {
        this.maxQueuedOffers = maxQueuedOffers;
    }

    public Acknowledgement getAcknowledge() {
        return acknowledge;
    }

    public void setAcknowledge(Acknowledgement acknowledge) {
        this.acknowledge = acknowledge;
    }

    public long getAckTimeout() {
        return ackTimeout;
    }

    public void setAckTimeout(long ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public String getAllowedSenders() {
        return allowedSenders;
    }

    public void setAllowedSenders(String allowedSenders) {
        this.allowedSenders = allowedSenders;
    }

    public String getInclude() {
        return include;
    }

    public void setInclude(String include) {
        this.include = include;
    }

    public String getExclude() {
        return exclude;
    }

    public void setExclude(String exclude) {
        this.exclude = exclude;
    }

    public String getMoveFailed() {
        return moveFailed;
    }

    public void setMoveFailed(String moveFailed) {
        this.moveFailed = moveFailed;
    }

    public boolean isIdempotent() {
        return idempotent;
    }

    public void setIdempotent(boolean idempotent) {
        this.idempotent = idempotent;
    }

    public IdempotentRepository getIdempotentRepository() {
        return idempotentRepository;
    }

    public void setIdempotentRepository(IdempotentRepository idempotentRepository) {
        this.idempotentRepository = idempotentRepository;
    }

    public String getIdempotentKey() {
        return idempotentKey;
    }

    public void setIdempotentKey(String idempotentKey) {
        this.idempotentKey = idempotentKey;
    }

    public String getFileName() {
        return fileName;
    }

    public void setFileName(String fileName) {
        this.fileName = fileName;
    }

    public LoggingLevel getTransferLoggingLevel() {
        return transferLoggingLevel;
    }

    public void setTransferLoggingLevel(LoggingLevel transferLoggingLevel) {
        this.transferLoggingLevel = transferLoggingLevel;
    }

    public int getTransferLoggingIntervalSeconds() {
        return transferLoggingIntervalSeconds;
    }

    public void setTransferLoggingIntervalSeconds(int transferLoggingIntervalSeconds) {
        this.transferLoggingIntervalSeconds = transferLoggingIntervalSeconds;
    }

    public boolean isTransferLoggingVerbose() {
        return transferLoggingVerbose;
    }

    public void setTransferLoggingVerbose(boolean transferLoggingVerbose) {
        this.transferLoggingVerbose = transferLoggingVerbose;
    }

    /** The progress lines these options ask for. */
    TransferLogging transferLogging() {
        if (transferLoggingIntervalSeconds < 0) {
            throw new IllegalArgumentException("The msnftp option transferLoggingIntervalSeconds must be >= 0: "
                                               + transferLoggingIntervalSeconds);
        }
        Level level = switch (transferLoggingLevel == null ? LoggingLevel.OFF : transferLoggingLevel) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR -> Level.ERROR;
            case OFF -> null;
        };
        return new TransferLogging(level, Duration.ofSeconds(transferLoggingIntervalSeconds), transferLoggingVerbose);
    }

    /**
     * The SIP identity and listening point: endpoints with equal keys share one SIP agent. TLS settings count by
     * identity (the same SSLContextParameters object).
     */
    record AgentKey(String identity, String sipHost, int sipPort, SipTransport sipTransport, String registrar, String outboundProxy,
            String authUsername, String password, SSLContextParameters sslContextParameters, boolean verifyHostname) {

        /** Everything but the password (and the TLS parameters' contents, which may hold key store passwords). */
        @Override
        public String toString() {
            return "AgentKey[identity=" + identity + ", listen=" + sipHost + ":" + sipPort + "/" + sipTransport
                   + ", registrar=" + registrar + ", outboundProxy=" + outboundProxy + ", authUsername=" + authUsername
                   + ", password=" + (password == null ? "none" : "***") + ", tls="
                   + (sslContextParameters == null ? "default" : "configured") + ", verifyHostname=" + verifyHostname + "]";
        }
    }

    AgentKey agentKey() {
        duration(registerExpires, "registerExpires", 1000);
        if (keepAliveInterval != 0) {
            duration(keepAliveInterval, "keepAliveInterval", 100);
        }
        return new AgentKey(SipAddress.parse(required(identity, "identity")).addressOfRecord().toLowerCase(Locale.ROOT),
                sipHost, sipPort, required(sipTransport, "sipTransport"), registrar, outboundProxy, authUsername, password,
                sslContextParameters, verifyHostname);
    }

    /**
     * The SIP agent's settings; its listener threads come from {@code listenerExecutor}. With sipTransport=tls, the SSL
     * context is made from {@code sslContextParameters} in {@code camelContext}, or is the JVM's default one.
     */
    SipAgentConfig sipAgentConfig(Executor listenerExecutor, CamelContext camelContext) throws GeneralSecurityException,
            IOException {
        SipAgentConfig.Builder builder = SipAgentConfig.builder(required(identity, "identity")).sipHost(sipHost)
                .sipPort(sipPort).transport(required(sipTransport, "sipTransport")).registrar(registrar)
                .outboundProxy(outboundProxy).authUsername(authUsername).password(password).mode(required(sipMode, "sipMode"))
                .registrationExpiry(duration(registerExpires, "registerExpires", 1000))
                .keepAliveInterval(keepAliveInterval == 0 ? Duration.ZERO : duration(keepAliveInterval, "keepAliveInterval", 100))
                .listenerExecutor(listenerExecutor);
        if (sipTransport == SipTransport.TLS) {
            SSLContext context = sslContextParameters != null ? sslContextParameters.createSSLContext(camelContext)
                    : SSLContext.getDefault();
            builder.tls(new TlsSettings(context, verifyHostname));
        }
        return builder.build();
    }

    /** The transfer settings of an endpoint; its transfers are told to {@code listener}. */
    TransferSettings transferSettings(Path defaultWorkDir, TransferListener listener) {
        return TransferSettings.builder(required(identity, "identity")).ftpHost(ftpHost).ftpPort(PortRange.parse(ftpPort))
                .advertisedAddress(advertisedAddress).ftpPeerAddresses(PeerAddressPolicy.parse(ftpPeerAddresses))
                .connectivity(connectivity).alwaysListen(alwaysListen)
                .encryption(required(encryption, "encryption")).sipMode(required(sipMode, "sipMode"))
                .acceptTimeout(Duration.ofMillis(acceptTimeout)).transferTimeout(Duration.ofMillis(transferTimeout))
                .minTransferRate(minTransferRate)
                .maxFileSize(ByteSizes.parse(maxFileSize, "maxFileSize"))
                .freeSpaceReserve(ByteSizes.parse(freeSpaceReserve, "freeSpaceReserve"))
                .workDir(workDir != null ? Path.of(workDir) : defaultWorkDir)
                .maxConcurrentTransfers(maxConcurrentTransfers).maxQueuedOffers(maxQueuedOffers)
                .acknowledge(acknowledge).ackTimeout(Duration.ofMillis(ackTimeout)).listener(listener).build();
    }

    /** A duration option of at least {@code minimumMillis}; plain numbers are milliseconds, as everywhere in Camel. */
    private static Duration duration(long millis, String name, long minimumMillis) {
        if (millis < minimumMillis) {
            throw new IllegalArgumentException("The msnftp option " + name + " must be at least " + minimumMillis
                                               + " ms; it is a duration, such as 600s or 10m (a plain number is"
                                               + " milliseconds): " + millis);
        }
        return Duration.ofMillis(millis);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The msnftp option " + name + " must be set");
        }
        return value;
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("The msnftp option " + name + " must be set");
        }
        return value;
    }
}
