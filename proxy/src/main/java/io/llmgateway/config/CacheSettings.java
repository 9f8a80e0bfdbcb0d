package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code cache} section: the response cache's bounds. Which models are cached is each model's choice
 * ({@link ModelConfig#cacheTtl()}); without such a model the cache holds nothing.
 *
 * @param maxBytes the most bytes of stored answers kept (default 256MiB); the least recently useful go first
 * @param ttl how long an answer stays when its model says {@code cache: true} (default 10m)
 */
public record CacheSettings(long maxBytes, Duration ttl) {
    public static final CacheSettings DEFAULT = new CacheSettings(256L * 1024 * 1024, Duration.ofMinutes(10));

    public CacheSettings {
        requireNonNull(ttl, "ttl");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }
}
