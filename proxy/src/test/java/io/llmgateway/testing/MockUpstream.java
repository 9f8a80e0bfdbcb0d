package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link MockProvider} as the end-to-end tests use it: a test either closes it itself, or starts it in
 * a {@code @RegisterExtension} field: it is then closed after each test (JUnit makes a new instance, and so
 * a new mock, per test).
 */
public final class MockUpstream extends MockProvider implements AfterEachCallback {

    private MockUpstream(SslContext ssl) {
        super(ssl);
    }

    private MockUpstream(SslContext ssl, Http2Settings settings) {
        super(ssl, settings);
    }

    /**
     * Starts an HTTP/2 mock with {@code settings}: h2c with prior knowledge, or h2 over {@code ssl} (a server
     * context offering h2 by ALPN) when not null.
     */
    public static MockUpstream startHttp2(SslContext ssl, Http2Settings settings) {
        return new MockUpstream(ssl, settings);
    }

    /** Starts a mock on an ephemeral port of 127.0.0.1. */
    public static MockUpstream start() {
        return new MockUpstream(null);
    }

    /** Starts a mock that speaks https with {@code ssl} (a server context) on an ephemeral port of 127.0.0.1. */
    public static MockUpstream startTls(SslContext ssl) {
        return new MockUpstream(requireNonNull(ssl, "ssl"));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
