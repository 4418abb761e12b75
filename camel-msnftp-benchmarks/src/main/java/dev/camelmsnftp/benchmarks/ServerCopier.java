package dev.camelmsnftp.benchmarks;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.apache.mina.transport.socket.SocketAcceptor;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * What users compare us with: camel-ftp's producer storing to an embedded Apache FtpServer, and camel-sftp's (JSch)
 * to an embedded Apache MINA SSHD, both on loopback, in the same JVM as the rest of the benchmark.
 * <ul>
 * <li>FTP: FtpServer {@code ftpserver-core}, one user with write permission, passive data connections on
 * 127.0.0.1, TCP_NODELAY on the control connections; camel-ftp with {@code binary=true&passiveMode=true
 * &stepwise=false}, one control connection kept open (its default), a data connection per file (FTP's way).</li>
 * <li>SFTP: SSHD {@code sshd-core}/{@code sshd-sftp}, password login, only the cipher {@code aes128-gcm@openssh.com}
 * (the fastest both ends have), TCP_NODELAY; camel-sftp with {@code ciphers=aes128-gcm@openssh.com}, host key not
 * checked, one session kept open (its default).</li>
 * </ul>
 * A copy is timed from the producer call until the server has closed the file.
 */
final class ServerCopier implements Copier, FileSender {

    enum Kind {
        FTP,
        SFTP
    }

    private static final String USER = "bench";
    private static final String PASSWORD = "bench";

    private final Kind kind;
    private final Path home;
    private final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    private final CamelContext camel;
    private final ProducerTemplate template;
    private final String uri;
    private FtpServer ftp;
    private SshServer ssh;

    ServerCopier(Kind kind, Path dir) throws Exception {
        this.kind = kind;
        Measurements.deleteContents(dir);
        this.home = Files.createDirectories(dir.resolve("home"));
        int port = kind == Kind.FTP ? startFtp() : startSftp(dir);
        this.uri = kind == Kind.FTP
                ? "ftp://" + USER + "@127.0.0.1:" + port + "/?password=" + PASSWORD
                  + "&binary=true&passiveMode=true&stepwise=false"
                : "sftp://" + USER + "@127.0.0.1:" + port + "/?password=" + PASSWORD
                  + "&strictHostKeyChecking=no&useUserKnownHostsFile=false&ciphers=aes128-gcm@openssh.com";
        camel = new DefaultCamelContext();
        camel.start();
        template = camel.createProducerTemplate();
    }

    private int startFtp() throws Exception {
        FtpServerFactory server = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(Measurements.freePort());
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        data.setPassivePorts("0");
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        server.addListener("default", listener.createListener());
        BaseUser user = new BaseUser();
        user.setName(USER);
        user.setPassword(PASSWORD);
        user.setHomeDirectory(home.toString());
        user.setAuthorities(List.of(new WritePermission(), new ConcurrentLoginPermission(0, 0)));
        server.getUserManager().save(user);
        server.setFtplets(new java.util.HashMap<>(Map.of("arrivals", new DefaultFtplet() {
            @Override
            public FtpletResult onUploadEnd(FtpSession session, FtpRequest request) {
                arrivals.add(request.getArgument());
                return FtpletResult.DEFAULT;
            }
        })));
        ftp = server.createServer();
        ftp.start();
        Listener started = server.getListener("default");
        // FtpServer has no setting for it: its MINA acceptor's session config, for the control connections
        Field acceptor = started.getClass().getDeclaredField("acceptor");
        acceptor.setAccessible(true);
        ((SocketAcceptor) acceptor.get(started)).getSessionConfig().setTcpNoDelay(true);
        return started.getPort();
    }

    private int startSftp(Path dir) throws IOException {
        ssh = SshServer.setUpDefaultServer();
        ssh.setHost("127.0.0.1");
        ssh.setPort(0);
        ssh.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key")));
        ssh.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        ssh.setCipherFactories(List.of(BuiltinCiphers.aes128gcm));
        CoreModuleProperties.TCP_NODELAY.set(ssh, true);
        ssh.setFileSystemFactory(new VirtualFileSystemFactory(home));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        Set<String> writing = ConcurrentHashMap.newKeySet();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void written(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                                byte[] data, int dataOffset, int dataLen, Throwable thrown) {
                writing.add(remoteHandle);
            }

            @Override
            public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
                if (writing.remove(remoteHandle) && localHandle instanceof FileHandle file) {
                    arrivals.add(file.getFile().getFileName().toString());
                }
            }
        });
        ssh.setSubsystemFactories(List.of(sftp));
        ssh.start();
        return ssh.getPort();
    }

    @Override
    public String name() {
        return kind == Kind.FTP ? "camel-ftp to Apache FtpServer (binary, passive, TCP_NODELAY)"
                : "camel-sftp to Apache MINA SSHD (aes128-gcm, TCP_NODELAY)";
    }

    @Override
    public void copy(Path source, Path target) throws Exception {
        clearArrivals();
        send(source);
        awaitArrivals(List.of(source));
        Files.move(home.resolve(source.getFileName()), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void send(Path file) {
        template.sendBodyAndHeader(uri, file.toFile(), Exchange.FILE_NAME, file.getFileName().toString());
    }

    @Override
    public void awaitArrivals(List<Path> files) throws InterruptedException {
        Set<String> missing = new HashSet<>();
        files.forEach(file -> missing.add(file.getFileName().toString()));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!missing.isEmpty()) {
            String arrived = arrivals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (arrived == null) {
                throw new IllegalStateException(missing.size() + " file(s) did not arrive, e.g. " + missing.iterator().next());
            }
            missing.remove(arrived);
        }
    }

    @Override
    public void clearArrivals() {
        arrivals.clear();
    }

    @Override
    public Path received() {
        return home;
    }

    @Override
    public void close() throws Exception {
        template.close();
        camel.close();
        if (ftp != null) {
            ftp.stop();
        }
        if (ssh != null) {
            ssh.stop(true);
        }
    }
}
