package dev.camelmsnftp.examples.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * A real SFTP server (Apache MINA SSHD) on 127.0.0.1, as camel-ftp's own tests embed one: every user's root is
 * {@link #root()}; {@link #USER} may write, {@link #READ_ONLY_USER} may create folders but gets "permission denied" when
 * it opens a file for writing or renames one. Users log in
 * with {@link #PASSWORD} or with the private key in {@link #clientKey()}. The host key stays the same across
 * {@link #stop()} and {@link #start()}, and so does the port.
 */
public final class EmbeddedSftpServer implements AutoCloseable {

    public static final String USER = "archiver";
    public static final String READ_ONLY_USER = "reader";
    /** With characters that a URI must not see unescaped. */
    public static final String PASSWORD = "s3cret&key=+ %";

    private final Path root;
    private final Path hostKey;
    private final Path knownHosts;
    private final Path clientKeyFile;
    private final KeyPair clientKey;
    private int port;
    private SshServer server;

    private EmbeddedSftpServer(Path dir) throws IOException {
        this.root = Files.createDirectories(dir.resolve("root"));
        this.hostKey = dir.resolve("host-key.pem");
        this.knownHosts = dir.resolve("known_hosts");
        this.clientKeyFile = dir.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(clientKeyFile)) {
            clientKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, USER, null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** Starts a server whose files are under {@code dir/root}. */
    public static EmbeddedSftpServer start(Path dir) throws IOException {
        EmbeddedSftpServer sftp = new EmbeddedSftpServer(Files.createDirectories(dir));
        sftp.start();
        return sftp;
    }

    /** (Re)starts the server on its port (a free one the first time). */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        // without it each SFTP reply waits behind a delayed ACK (~40 ms): the example would look slow for the server's sake
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        keys.setAlgorithm("EC");
        keys.setKeySize(256);
        sshd.setKeyPairProvider(keys);
        sshd.setPasswordAuthenticator((user, password, session) -> (USER.equals(user) || READ_ONLY_USER.equals(user))
                && PASSWORD.equals(password));
        sshd.setPublickeyAuthenticator((user, key, session) -> (USER.equals(user) || READ_ONLY_USER.equals(user))
                && KeyUtils.compareKeys(clientKey.getPublic(), key));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder()
                .withFileSystemAccessor(new ReadOnlyForReader()).build()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        port = sshd.getPort();
        server = sshd;
        writeKnownHosts(keys);
    }

    /** Stops the server: connections are refused until {@link #start()}. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    public int port() {
        return port;
    }

    /** The folder every user sees as {@code /}. */
    public Path root() {
        return root;
    }

    /** A known_hosts file naming this server's host key, for the client's strict host key checking. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** An unencrypted private key (OpenSSH format) that every user may log in with. */
    public Path clientKey() {
        return clientKeyFile;
    }

    private void writeKnownHosts(SimpleGeneratorHostKeyProvider keys) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (KeyPair key : keys.loadKeys(null)) {
            lines.append("[127.0.0.1]:").append(port).append(' ').append(PublicKeyEntry.toString(key.getPublic()))
                    .append('\n');
        }
        Files.writeString(knownHosts, lines);
    }

    /** The file system as it is, except that the read-only user may neither write nor rename a file. */
    private static final class ReadOnlyForReader implements SftpFileSystemAccessor {

        private static void refuseReader(SftpSubsystemProxy subsystem, Path path) throws AccessDeniedException {
            if (READ_ONLY_USER.equals(subsystem.getServerSession().getUsername())) {
                throw new AccessDeniedException(path.toString(), null, READ_ONLY_USER + " may not write");
            }
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
                String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
                    || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW)) {
                refuseReader(subsystem, file);
            }
            return SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options, attrs);
        }

        @Override
        public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath,
                Collection<CopyOption> opts) throws IOException {
            refuseReader(subsystem, oldPath);
            SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
        }
    }
}
