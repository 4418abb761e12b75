package dev.camelmsnftp.sip;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

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
