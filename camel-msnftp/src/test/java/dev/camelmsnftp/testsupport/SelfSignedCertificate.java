package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A PKCS12 key store with one self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
public final class SelfSignedCertificate {

    public static final String PASSWORD = "changeit";

    private SelfSignedCertificate() {
    }

    /** Creates {@code dir/name.p12}; usable as key and trust store with {@link #PASSWORD}. */
    public static Path create(Path dir, String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD, "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
        return store;
    }
}
