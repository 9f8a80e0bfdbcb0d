package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server and a connected {@link RedisConnection} for one test class of this package:
 * {@code @RegisterExtension static final RedisFixture fixture = new RedisFixture();} starts both before the
 * class's {@code @BeforeAll} methods (the class is skipped without redis-server), empties the server before
 * each test so that each starts from no counts, and closes both after the class.
 */
final class RedisFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private RedisServer server;
    private RedisConnection redis;

    RedisServer server() {
        return server;
    }

    RedisConnection redis() {
        return redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.startOrSkip();
        redis = new RedisConnection(URI.create(server.uri()), server.uri(), Duration.ofSeconds(5));
        redis.connect();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        assertEquals("+OK", server.command("FLUSHALL"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (redis != null) {
                redis.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
