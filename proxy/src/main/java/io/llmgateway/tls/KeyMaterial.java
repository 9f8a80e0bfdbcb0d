package io.llmgateway.tls;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/*
 * Design notes
 * - Read and checked here, before Netty sees them, so that a bad file is reported with the field it came
 *   from (and kept out of a reload) instead of failing a client's handshake later.
 * - The key must be PKCS#8 ("BEGIN PRIVATE KEY", what openssl 3 writes); the older PKCS#1/SEC1 forms are
 *   named in the error with the command that converts them.
 * - Whether key and certificate belong together is proven by signing a random challenge with the key and
 *   verifying it with the certificate's public key: it works for every key type the JDK knows.
 * - Messages name files and certificate subjects, never key bytes.
 */
/** A server's certificate chain (leaf first) and private key, read from PEM files and checked to match. */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {
    private static final Pattern KEY_PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    /** What is wrong, and with which of the two files. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean aboutKey;

        Problem(boolean aboutKey, String message) {
            super(message, null, false, false);
            this.aboutKey = aboutKey;
        }

        /** Whether the key file (rather than the certificate file) is at fault. */
        public boolean aboutKey() {
            return aboutKey;
        }
    }

    public KeyMaterial {
        chain = List.copyOf(chain);
        requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: at least the server's certificate)");
        }
    }

    /** The server's own certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * Reads both files and checks that the key belongs to the first certificate.
     *
     * @param certShown, keyShown how messages name the files (the config's text, never an expansion)
     */
    public static KeyMaterial read(String certFile, String certShown, String keyFile, String keyShown) throws Problem {
        List<X509Certificate> chain = readChain(certFile, certShown);
        PrivateKey key = readKey(keyFile, keyShown);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new Problem(
                    true,
                    "the key in " + keyShown + " does not belong to the certificate in " + certShown + " ("
                            + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new KeyMaterial(chain, key);
    }

    /**
     * Null when the server's certificate is valid at {@code now}, else why not (expired or not yet valid),
     * naming {@code certShown}.
     */
    public @Nullable String validityProblem(Instant now, String certShown) {
        X509Certificate leaf = leaf();
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return "the certificate in " + certShown + " expired at "
                    + leaf.getNotAfter().toInstant();
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return "the certificate in " + certShown + " is not valid before "
                    + leaf.getNotBefore().toInstant();
        }
        return null;
    }

    private static List<X509Certificate> readChain(String file, String shown) throws Problem {
        byte[] bytes = readFile(false, file, shown);
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw new Problem(false, "cannot read certificates from " + shown + " (expected: PEM)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certs) {
            chain.add((X509Certificate) c);
        }
        if (chain.isEmpty()) {
            throw new Problem(false, "no certificate found in " + shown + " (expected: PEM)");
        }
        return chain;
    }

    private static PrivateKey readKey(String file, String shown) throws Problem {
        String text = new String(readFile(true, file, shown), StandardCharsets.US_ASCII);
        Matcher m = KEY_PEM.matcher(text);
        if (!m.find()) {
            throw new Problem(true, "no private key found in " + shown + " (expected: PEM, BEGIN PRIVATE KEY)");
        }
        if (!m.group(1).isEmpty()) {
            throw new Problem(
                    true,
                    "the key in " + shown + " is a " + m.group(1).trim() + " key (expected: unencrypted PKCS#8,"
                            + " BEGIN PRIVATE KEY; convert it with openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new Problem(true, "the key in " + shown + " is not valid base64");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new Problem(true, "cannot read the key in " + shown + " (expected: an RSA, EC or EdDSA key)");
    }

    private static byte[] readFile(boolean aboutKey, String file, String shown) throws Problem {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new Problem(aboutKey, "no such file: " + shown);
        } catch (AccessDeniedException e) {
            throw new Problem(aboutKey, "cannot read " + shown + " (permission denied)");
        } catch (IOException | InvalidPathException e) {
            throw new Problem(
                    aboutKey, "cannot read " + shown + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = signatureAlgorithm(key);
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static @Nullable String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
    }
}
