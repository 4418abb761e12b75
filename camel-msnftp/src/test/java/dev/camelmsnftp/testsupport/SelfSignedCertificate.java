package dev.camelmsnftp.testsupport;

import java.nio.file.Path;

/** A PKCS12 key store with one self-signed certificate for 127.0.0.1 (made in-process by {@link TestCertificates}). */
public final class SelfSignedCertificate {

    public static final String PASSWORD = TestCertificates.PASSWORD;

    private SelfSignedCertificate() {
    }

    /** Creates {@code dir/name.p12}; usable as key and trust store with {@link #PASSWORD}. */
    public static Path create(Path dir, String name) {
        return TestCertificates.selfSigned("127.0.0.1", "IP:127.0.0.1").writeKeyStore(dir.resolve(name + ".p12"));
    }
}
