package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one connection of this process to the Redis that holds the counters and health shared by several
 * gateway instances ({@code limits_store}).
 *
 * <p>Design notes.
 * <ul>
 * <li>Lettuce multiplexes the commands of every thread over one connection and pipelines them, which is
 *     what a command-per-request load wants. Its futures complete on Lettuce's own I/O thread, never on a
 *     gateway event loop, and sending never blocks the caller.</li>
 * <li>Every command has a deadline (the configured timeout, read live through a {@code TimeoutSource} so
 *     a reload applies at once), and while the connection is down commands fail at once instead of
 *     queueing: a caller always learns within the timeout that Redis is not answering, and falls back.</li>
 * <li>The first connect may fail (Redis down while the gateway starts); {@link #connect} is then retried
 *     by the caller. After one successful connect Lettuce reconnects by itself, at most a second apart.</li>
 * <li>Scripts are called by their SHA1. A restarted Redis has forgotten them (NOSCRIPT): the source is
 *     then sent once with EVAL, which caches it again.</li>
 * </ul>
 */
public final class RedisConnection implements AutoCloseable {

    /** How long establishing a connection (TCP, TLS, AUTH, SELECT) may take. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final RedisURI uri;
    private final String location;
    private final ClientResources resources;
    private final RedisClient client;
    private volatile long timeoutNanos;
    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;

    /**
     * Prepares a client; nothing is connected until {@link #connect()}.
     *
     * @param uri {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS
     * @param location the URI without credentials, for messages
     * @param timeout the deadline of every command
     */
    public RedisConnection(URI uri, String location, Duration timeout) {
        requireNonNull(uri, "uri");
        this.location = requireNonNull(location, "location");
        this.uri = redisUri(uri);
        timeout(timeout);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(1) // one connection uses one I/O thread
                .computationThreadPoolSize(1)
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, this.uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.builder()
                        .timeoutSource(new TimeoutOptions.TimeoutSource() {
                            @Override
                            public long getTimeout(RedisCommand<?, ?, ?> command) {
                                return timeoutNanos;
                            }

                            @Override
                            public TimeUnit getTimeUnit() {
                                return TimeUnit.NANOSECONDS;
                            }
                        })
                        .build())
                .build());
    }

    /** Replaces the deadline of the commands sent from now on. */
    public void timeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        timeoutNanos = timeout.toNanos();
    }

    /** The store without credentials. */
    public String location() {
        return location;
    }

    /**
     * Connects if not connected yet. Blocks up to a few seconds: call it from a starting gateway or a
     * background thread, never from an event loop.
     *
     * @throws RedisConnectionException when Redis cannot be reached or refuses the credentials
     */
    public synchronized void connect() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (connection == null) {
            connection = client.connect(StringCodec.UTF8, uri);
        }
    }

    /** True while commands can be sent (connected, or reconnecting after one successful connect). */
    public boolean isConnected() {
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** True once {@link #connect()} succeeded; Lettuce then reconnects by itself. */
    public boolean hasConnected() {
        return connection != null;
    }

    /**
     * Runs one command; fails at once (never blocks) when the connection was never established or is down.
     */
    public <T> CompletableFuture<T> run(Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            return CompletableFuture.failedFuture(new RedisConnectionException("not connected to " + location));
        }
        try {
            return command.apply(c.async()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs a script by its SHA1, sending its source once if Redis does not know it (after a restart). */
    public <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<T> bySha = run(c -> c.evalsha(script.sha1(), type, keys, args));
        return bySha.exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                ? run(c -> c.eval(script.source(), type, keys, args))
                : CompletableFuture.failedFuture(unwrap(e)));
    }

    /** The cause worth reporting of a failed command. */
    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            connection = null; // the client's shutdown closes it
        }
        // In this order, each awaited: threads that are gone cannot run the connection's last callbacks.
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "RedisConnection[" + location + (isConnected() ? ", connected" : ", disconnected") + ']';
    }

    /** Lettuce's URI from ours; the password is %-decoded and never leaves this object. */
    static RedisURI redisUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("uri: scheme " + scheme + " (expected: redis or rediss)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("uri: no host");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal
        }
        RedisURI.Builder b = RedisURI.Builder.redis(
                        host, uri.getPort() < 0 ? RedisURI.DEFAULT_REDIS_PORT : uri.getPort())
                .withSsl(scheme.equals("rediss"))
                .withTimeout(CONNECT_TIMEOUT)
                .withClientName("llm-gateway");
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            b.withDatabase(Integer.parseInt(path.substring(1)));
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            // "redis://secret@host" is a password alone, as redis-cli and Lettuce read it.
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                b.withPassword(password.toCharArray());
            } else {
                b.withAuthentication(user, password.toCharArray());
            }
        }
        return b.build();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
