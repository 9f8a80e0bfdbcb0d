package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.testing.RedisServer;
import java.net.URI;
import java.time.Duration;

/** A real redis-server and a connected {@link RedisConnection} for one test class of this package. */
final class RedisFixture implements AutoCloseable {
    final RedisServer server;
    final RedisConnection redis;

    private RedisFixture(RedisServer server, RedisConnection redis) {
        this.server = server;
        this.redis = redis;
    }

    /** Starts the server (the test class is skipped without redis-server) and connects to it. */
    static RedisFixture start() throws Exception {
        RedisServer server = RedisServer.startOrSkip();
        RedisConnection redis = new RedisConnection(URI.create(server.uri()), server.uri(), Duration.ofSeconds(5));
        redis.connect();
        return new RedisFixture(server, redis);
    }

    /** Empties the server: each test starts from no counts. */
    void flush() throws Exception {
        assertEquals("+OK", server.command("FLUSHALL"));
    }

    @Override
    public void close() throws Exception {
        try {
            redis.close();
        } finally {
            server.close();
        }
    }
}
