package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

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
