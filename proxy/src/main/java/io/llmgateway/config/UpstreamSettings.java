package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code upstream} section: how the gateway talks to providers.
 *
 * @param connectTimeout TCP (and TLS) connect timeout (default 5s)
 * @param responseTimeout non-streaming request: time until the whole response has arrived (default 300s)
 * @param streamFirstByteTimeout streaming request: time until the response headers arrive (default 60s)
 * @param streamIdleTimeout streaming request: longest silence between two chunks (default 60s)
 * @param maxConnectionsPerLoop pooled connections per provider and event loop (default 256)
 * @param acquireTimeout longest wait for a pooled connection when all are busy (default 5s)
 * @param idleConnectionTimeout an idle pooled connection is closed after this (default 30s: below the 60 s
 *                              and more after which load balancers and servers in front of providers close
 *                              idle connections, so that the gateway's side lets go first)
 * @param maxPendingAcquires requests that may wait for a busy pool (per provider and event loop) before
 *                           further ones are shed at once with 503 (default 1024)
 */
public record UpstreamSettings(
        Duration connectTimeout,
        Duration responseTimeout,
        Duration streamFirstByteTimeout,
        Duration streamIdleTimeout,
        int maxConnectionsPerLoop,
        Duration acquireTimeout,
        Duration idleConnectionTimeout,
        int maxPendingAcquires) {

    public static final UpstreamSettings DEFAULT = new UpstreamSettings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(300),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            256,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            1024);

    public UpstreamSettings {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(responseTimeout, "responseTimeout");
        requireNonNull(streamFirstByteTimeout, "streamFirstByteTimeout");
        requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        requireNonNull(acquireTimeout, "acquireTimeout");
        requireNonNull(idleConnectionTimeout, "idleConnectionTimeout");
        if (maxConnectionsPerLoop < 1) {
            throw new IllegalArgumentException("maxConnectionsPerLoop: " + maxConnectionsPerLoop + " (expected: >= 1)");
        }
    }
}
