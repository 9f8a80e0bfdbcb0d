package io.llmgateway.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link RedisServer} for each test: {@code @RegisterExtension final RedisExtension redis = new
 * RedisExtension();} starts it before the test's own {@code @BeforeEach} methods (skipping the test when
 * redis-server is not installed) and closes it after its {@code @AfterEach} methods, so that gateways and
 * routers are closed while it still answers. A class of its own so that {@link RedisServer} stays loadable
 * where JUnit is not on the class path (the load harness).
 */
public final class RedisExtension implements BeforeEachCallback, AfterEachCallback {
    private RedisServer server;

    /** The running server; only from a test or its {@code @BeforeEach} and {@code @AfterEach} methods. */
    public RedisServer server() {
        if (server == null) {
            throw new IllegalStateException("redis-server: not started (register this as a non-static extension)");
        }
        return server;
    }

    /** {@code redis://127.0.0.1:PORT/0}. */
    public String uri() {
        return server().uri();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server = RedisServer.startOrSkip();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
