package io.llmgateway.upstream;

import io.llmgateway.tls.TlsEngine;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * The client TLS contexts of provider connections: one per trust source (the JDK's authorities or a provider's
 * {@code ca_file}) and per ALPN offer ({@code http/1.1} alone, or {@code h2} first for an {@code http2}
 * provider). A context keeps its session cache for the gateway's lifetime and every connection is made for the
 * provider's host and port, so a new connection resumes the provider's TLS session instead of a full handshake.
 */
final class ProviderTls {
    /** OpenSSL where it loads, else the JDK's ({@link TlsEngine}). */
    private final SslProvider engine;

    private final Map<String, SslContext> contexts = new ConcurrentHashMap<>();

    ProviderTls() {
        this.engine = TlsEngine.provider();
        context(null, false); // fails at start-up rather than on the first request
    }

    /** The context for {@code origin}'s connections. */
    SslContext contextFor(Origin origin) {
        return context(origin.caFile(), origin.http2());
    }

    private SslContext context(String caFile, boolean h2) {
        String key = (h2 ? "h2 " : "h1 ") + (caFile == null ? "" : caFile);
        SslContext known = contexts.get(key);
        return known != null ? known : contexts.computeIfAbsent(key, k -> build(caFile, h2));
    }

    private SslContext build(String caFile, boolean h2) {
        try {
            SslContextBuilder b =
                    SslContextBuilder.forClient().sslProvider(engine).endpointIdentificationAlgorithm("HTTPS");
            if (caFile != null) {
                b.trustManager(new File(caFile));
            }
            if (h2) {
                b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                // Both engines support these two; a provider without ALPN gets HTTP/1.1.
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2,
                                ApplicationProtocolNames.HTTP_1_1));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException(
                    caFile == null ? "cannot initialise TLS" : "cannot use ca_file " + caFile + ": " + e.getMessage(),
                    e);
        }
    }
}
