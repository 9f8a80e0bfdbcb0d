package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The {@code server.tls} section: a second listener that terminates TLS and serves what the plain one
 * serves.
 *
 * @param port port of the TLS listener (default 8443; 0 picks a free port, for tests)
 * @param certFile PEM file with the server's certificate first, then its chain
 * @param keyFile PEM file with the certificate's private key (unencrypted PKCS#8)
 * @param protocols TLS versions offered (default TLSv1.3 and TLSv1.2)
 */
public record TlsSettings(int port, String certFile, String keyFile, List<String> protocols) {
    public static final int DEFAULT_PORT = 8443;
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsSettings {
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        protocols = List.copyOf(protocols);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols: empty (expected: at least one of " + PROTOCOLS + ")");
        }
    }

    public TlsSettings withPort(int newPort) {
        return new TlsSettings(newPort, certFile, keyFile, protocols);
    }
}
