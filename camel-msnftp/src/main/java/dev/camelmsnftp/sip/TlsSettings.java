package dev.camelmsnftp.sip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the SIP transport: the context our connections are made with (our certificate, and the authorities whose
 * certificates we trust), and whether a connection we open checks that the peer's certificate is for the host we
 * connect to (RFC 2818 rules: a subjectAltName DNS entry for a host name, an IP entry for an address). Verification is
 * on unless turned off.
 */
public record TlsSettings(SSLContext context, boolean verifyHostname) {

    public TlsSettings {
        Objects.requireNonNull(context, "context");
    }

    /** TLS with {@code context}, host names verified. */
    public static TlsSettings of(SSLContext context) {
        return new TlsSettings(context, true);
    }

    /**
     * TLS with one PKCS12 store used as key and trust store (a self-signed or private-authority setup), host names
     * verified.
     *
     * @throws IllegalArgumentException when the store cannot be read
     */
    public static TlsSettings of(Path store, String password) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, password == null ? null : password.toCharArray());
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password == null ? null : password.toCharArray());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the TLS store " + store + ": " + e.getMessage(), e);
        }
    }

    /** The same, with host name verification on or off. */
    public TlsSettings withHostnameVerification(boolean verify) {
        return new TlsSettings(context, verify);
    }

    @Override
    public String toString() {
        return "TlsSettings[" + context.getProtocol() + ", verifyHostname=" + verifyHostname + "]";
    }
}
