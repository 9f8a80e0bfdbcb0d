package io.llmgateway.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, and server certificates it signs, written as the PEM files a
 * TLS listener reads ({@code cert_file}: the certificate, {@code key_file}: its PKCS#8 key). Clients trust
 * the CA through {@link #sslContext()} or {@link #trustManager()}, or its PEM file ({@link #writeCaPem}).
 */
public final class TestCa {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new CA named {@code CN=name}, valid from a day ago for a year. */
    public static TestCa create(String name) throws Exception {
        KeyPair keys = newKeys();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + name),
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(365))),
                new X500Name("CN=" + name),
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCa(name, keys, sign(b, keys.getPrivate()));
    }

    /** The files of a server certificate: {@code cert} (PEM certificate) and {@code key} (PEM PKCS#8 key). */
    public record ServerFiles(Path cert, Path key, X509Certificate certificate) {
        /** A server context (the JDK's or OpenSSL, Netty's default) that presents this certificate. */
        public SslContext serverContext() throws Exception {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        }
    }

    /** A server certificate for 127.0.0.1 and localhost, valid from a day ago for 30 days. */
    public ServerFiles issue(Path dir, String fileName, String commonName) throws Exception {
        Instant now = Instant.now();
        return issue(dir, fileName, commonName, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** A server certificate for 127.0.0.1 and localhost, valid from {@code notBefore} to {@code notAfter}. */
    public ServerFiles issue(Path dir, String fileName, String commonName, Instant notBefore, Instant notAfter)
            throws Exception {
        return issue(dir, fileName, commonName, notBefore, notAfter, new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")
        });
    }

    /** A server certificate for the host name {@code dnsName} only (not 127.0.0.1), valid for 30 days. */
    public ServerFiles issueForHost(Path dir, String fileName, String dnsName) throws Exception {
        Instant now = Instant.now();
        return issue(
                dir,
                fileName,
                dnsName,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName)});
    }

    private ServerFiles issue(
            Path dir, String fileName, String commonName, Instant notBefore, Instant notAfter, GeneralName[] names)
            throws Exception {
        KeyPair serverKeys = newKeys();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + name),
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name("CN=" + commonName),
                serverKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        X509Certificate cert = sign(b, keys.getPrivate());
        Files.createDirectories(dir);
        Path certFile = dir.resolve(fileName + ".crt");
        Path keyFile = dir.resolve(fileName + ".key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new ServerFiles(certFile, keyFile, cert);
    }

    /** Writes the CA's certificate as PEM (what {@code curl --cacert} takes). */
    public Path writeCaPem(Path file) throws Exception {
        Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        return file;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A trust manager that trusts this CA only. */
    public X509TrustManager trustManager() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry(name, certificate);
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return (X509TrustManager) f.getTrustManagers()[0];
    }

    /** A client context that trusts this CA only. */
    public SSLContext sslContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return ctx;
    }

    /** PEM text: the label's BEGIN line, base64 in 64-character lines, the END line. */
    public static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static KeyPair newKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    /** For tests that need a key that matches no certificate. */
    public static PrivateKey otherKey() throws Exception {
        return newKeys().getPrivate();
    }
}
