package io.llmgateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * The TLS implementation of both sides (clients to the gateway, the gateway to providers): OpenSSL
 * (BoringSSL from netty-tcnative) where its native library loads, else the JDK's engine. The system
 * property {@value #PROPERTY} ({@code openssl} or {@code jdk}) forces one, e.g. to compare them.
 */
public final class TlsEngine {
    /** Forces an engine: {@code -Dllmgateway.tls.engine=jdk}. */
    public static final String PROPERTY = "llmgateway.tls.engine";

    private TlsEngine() {}

    /**
     * The engine to use.
     *
     * @throws IllegalStateException when the property names an unknown engine, or OpenSSL that cannot load
     */
    public static SslProvider provider() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "":
                return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case "jdk":
                return SslProvider.JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=openssl: OpenSSL does not load here ("
                            + OpenSsl.unavailabilityCause() + ")");
                }
                return SslProvider.OPENSSL;
            default:
                throw new IllegalStateException(
                        "-D" + PROPERTY + '=' + forced + ": unknown TLS engine (expected: openssl or jdk)");
        }
    }

    /** The engine's name for the logs: {@code OpenSSL (BoringSSL)} or {@code JDK}. */
    public static String describe(SslProvider provider) {
        if (provider == SslProvider.JDK) {
            return "JDK";
        }
        return "OpenSSL (" + OpenSsl.versionString() + ")";
    }
}
