package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where rate-limit counters and provider health live: {@code limits_store}, {@code limits_store_timeout},
 * {@code limits_store_fallback_share}.
 *
 * @param uri null: this process's memory (the default, and the fastest path); else a {@code redis://} or
 *            {@code rediss://} (TLS) URI shared by every gateway instance, with an optional password
 *            ({@code redis://:password@host:6379/0}) or ACL user ({@code redis://user:password@...})
 * @param timeout the most a request waits for the shared store before this instance falls back to its
 *                local counters (default 50ms)
 * @param fallbackShare the part of each limit an instance may use on its own while the store is
 *                      unreachable, e.g. 1/number of instances (default 0.5)
 */
public record LimitsStoreSettings(URI uri, Duration timeout, double fallbackShare) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);
    public static final double DEFAULT_FALLBACK_SHARE = 0.5;
    /** Counters in this process's memory. */
    public static final LimitsStoreSettings MEMORY =
            new LimitsStoreSettings(null, DEFAULT_TIMEOUT, DEFAULT_FALLBACK_SHARE);

    public LimitsStoreSettings {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (!(fallbackShare > 0 && fallbackShare <= 1)) {
            throw new IllegalArgumentException("fallbackShare: " + fallbackShare + " (expected: > 0 and <= 1)");
        }
        if (uri != null) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("uri: scheme " + scheme + " (expected: redis or rediss)");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("uri: no host");
            }
        }
    }

    /** True when counters are shared through Redis. */
    public boolean shared() {
        return uri != null;
    }

    /** The store without credentials, for logs and the admin page: {@code redis://host:6379/0} or {@code memory}. */
    public String location() {
        if (uri == null) {
            return "memory";
        }
        // getHost() keeps the brackets of an IPv6 literal, which is what a URI needs.
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ':' + port() + '/' + database();
    }

    /** The port, 6379 when the URI names none. */
    public int port() {
        return uri == null || uri.getPort() < 0 ? 6379 : uri.getPort();
    }

    /** The database number from the URI path ({@code /0} by default). */
    public int database() {
        if (uri == null) {
            return 0;
        }
        String path = uri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? 0 : Integer.parseInt(path.substring(1));
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "LimitsStoreSettings[" + location() + ", timeout=" + timeout.toMillis() + "ms, fallbackShare="
                + fallbackShare + ']';
    }
}
