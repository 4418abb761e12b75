package dev.camelmsnftp.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for a test, in-process and in milliseconds (EC P-256 keys, signed with Bouncy Castle's
 * builder), and certificates it issues for the names a test chooses: {@code IP:127.0.0.1}, {@code DNS:sip.example}.
 * Each can be had as a PKCS12 key store, PEM files (for Kamailio) or an {@link SSLContext} that trusts the authority.
 */
public final class TestCertificates {

    /** The password of every key store written here. */
    public static final String PASSWORD = "changeit";

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificates(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new authority named {@code name}. */
    public static TestCertificates authority(String name) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        return new TestCertificates(keys, sign(subject, keys, subject, keys.getPrivate(), true, new String[0]));
    }

    /**
     * A certificate for {@code commonName} with these subjectAltNames ({@code IP:...} or {@code DNS:...}), issued by
     * this authority.
     */
    public Issued issue(String commonName, String... subjectAltNames) {
        KeyPair leaf = keyPair();
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509Certificate issued = sign(new X500Name("CN=" + commonName), leaf, issuer, keys.getPrivate(), false,
                subjectAltNames);
        return new Issued(leaf.getPrivate(), issued);
    }

    /** A self-signed certificate for {@code commonName} and these names: its own authority. */
    public static Issued selfSigned(String commonName, String... subjectAltNames) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        return new Issued(keys.getPrivate(), sign(subject, keys, subject, keys.getPrivate(), false, subjectAltNames));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A key store holding only this authority's certificate, as trusted. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("authority", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #trustStore()} to {@code file} (PKCS12, {@link #PASSWORD}). */
    public Path writeTrustStore(Path file) {
        return write(trustStore(), file);
    }

    /** A certificate and its key. */
    public static final class Issued {
        private final PrivateKey key;
        private final X509Certificate certificate;

        Issued(PrivateKey key, X509Certificate certificate) {
            this.key = key;
            this.certificate = certificate;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** A key store with the key and its certificate (PKCS12, {@link #PASSWORD}). */
        public KeyStore keyStore() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("key", key, PASSWORD.toCharArray(), new Certificate[] { certificate });
                return store;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public Path writeKeyStore(Path file) {
            return write(keyStore(), file);
        }

        /** The certificate as PEM, for Kamailio's {@code certificate}. */
        public Path writeCertificatePem(Path file) {
            return writePem(certificate, file);
        }

        /** The key as PEM, for Kamailio's {@code private_key}. */
        public Path writePrivateKeyPem(Path file) {
            return writePem(key, file);
        }

        /** TLS with this certificate as ours, trusting {@code authority}'s certificates. */
        public SSLContext sslContext(TestCertificates authority) {
            try {
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keyStore(), PASSWORD.toCharArray());
                TrustManagerFactory trustManagers = TrustManagerFactory
                        .getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(authority.trustStore());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
            boolean authority, String[] subjectAltNames) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(2))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(Extension.keyUsage, true, authority
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (subjectAltNames.length > 0) {
                GeneralName[] names = new GeneralName[subjectAltNames.length];
                for (int i = 0; i < names.length; i++) {
                    String name = subjectAltNames[i];
                    names[i] = name.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, name.substring(3))
                            : new GeneralName(GeneralName.dNSName, name.substring(name.indexOf(':') + 1));
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(KeyStore store, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePem(Object object, Path file) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(object instanceof PrivateKey key ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key,
                    null) : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
