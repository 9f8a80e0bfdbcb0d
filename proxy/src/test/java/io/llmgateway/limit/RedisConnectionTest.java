package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.llmgateway.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisConnectionTest {

    private static RedisCredentials credentials(RedisURI u) {
        return u.getCredentialsProvider().resolveCredentials().block();
    }

    @Test
    void redisUri_passwordUserDatabaseAndTls() {
        RedisURI u = RedisConnection.redisUri(URI.create("rediss://app:p%40ss%2Bw0rd@cache.example.com:6380/3"));
        assertEquals("cache.example.com", u.getHost());
        assertEquals(6380, u.getPort());
        assertEquals(3, u.getDatabase());
        assertTrue(u.isSsl());
        assertEquals("app", credentials(u).getUsername());
        assertArrayEquals("p@ss+w0rd".toCharArray(), credentials(u).getPassword());
    }

    @Test
    void redisUri_passwordOnly_defaultsPortAndDatabase() {
        RedisURI u = RedisConnection.redisUri(URI.create("redis://:secret@[::1]"));
        assertEquals("::1", u.getHost());
        assertEquals(6379, u.getPort());
        assertEquals(0, u.getDatabase());
        assertFalse(u.isSsl());
        assertNull(credentials(u).getUsername());
        assertArrayEquals("secret".toCharArray(), credentials(u).getPassword());
    }

    @Test
    void connect_wrongPassword_failsWithoutShowingIt() throws Exception {
        try (RedisServer server = RedisServer.startOrSkip()) {
            assertEquals("+OK", server.command("CONFIG SET requirepass right-one"));
            try (RedisConnection c = new RedisConnection(
                    URI.create("redis://:wrong-one@127.0.0.1:" + server.port()),
                    "redis://127.0.0.1:" + server.port() + "/0",
                    Duration.ofSeconds(1))) {
                RedisConnectionException e = assertThrows(RedisConnectionException.class, c::connect);
                assertFalse(String.valueOf(e.getMessage()).contains("wrong-one"), e.getMessage());
                assertFalse(c.hasConnected());
            }
            try (RedisConnection c = new RedisConnection(
                    URI.create("redis://:right-one@127.0.0.1:" + server.port()),
                    "redis://127.0.0.1:" + server.port() + "/0",
                    Duration.ofSeconds(1))) {
                c.connect();
                assertEquals("PONG", c.run(cmd -> cmd.ping()).join());
            }
        }
    }

    @Test
    void run_beforeConnect_failsAtOnce() {
        try (RedisConnection c = new RedisConnection(
                URI.create("redis://127.0.0.1:1"), "redis://127.0.0.1:1/0", Duration.ofSeconds(1))) {
            CompletionException e = assertThrows(
                    CompletionException.class, () -> c.run(cmd -> cmd.ping()).join());
            assertTrue(e.getCause() instanceof RedisConnectionException, e.toString());
        }
    }
}
