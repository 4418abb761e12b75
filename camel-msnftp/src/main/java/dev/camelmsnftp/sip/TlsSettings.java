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
 * Key and trust stores for the TLS transport. The trust store defaults to the key store (a self-signed setup).
 * Passwords are never printed.
 */
public record TlsSettings(Path keyStore, String keyStorePassword, String keyStoreType, Path trustStore,
        String trustStorePassword, String trustStoreType) {

    public TlsSettings {
        Objects.requireNonNull(keyStore, "keyStore");
        keyStoreType = keyStoreType == null ? "PKCS12" : keyStoreType;
        trustStore = trustStore == null ? keyStore : trustStore;
        trustStorePassword = trustStorePassword == null ? keyStorePassword : trustStorePassword;
        trustStoreType = trustStoreType == null ? keyStoreType : trustStoreType;
    }

    /** One PKCS12 store used as both key and trust store. */
    public static TlsSettings of(Path store, String password) {
        return new TlsSettings(store, password, "PKCS12", null, null, null);
    }

    /** A TLS context with these stores: our certificate from the key store, the peers' trusted from the trust store. */
    SSLContext sslContext() throws GeneralSecurityException, IOException {
        KeyStore keys = load(keyStore, keyStoreType, keyStorePassword);
        KeyStore trusted = load(trustStore, trustStoreType, trustStorePassword);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, keyStorePassword == null ? null : keyStorePassword.toCharArray());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path path, String type, String password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    void check() {
        for (Path store : new Path[] { keyStore, trustStore }) {
            if (!Files.isReadable(store)) {
                throw new IllegalArgumentException("TLS store " + store + " does not exist or is not readable");
            }
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[keyStore=" + keyStore + ", trustStore=" + trustStore + ", passwords=***]";
    }
}
