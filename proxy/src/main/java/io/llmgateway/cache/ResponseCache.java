package io.llmgateway.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.llmgateway.config.CacheSettings;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/*
 * Design notes
 * - Caffeine holds the entries, weighed by their bytes against cache.max_size, each with its model's ttl
 *   (a variable expiry). Its time is the gateway's clock (a Ticker reading it), so tests move it by hand.
 *   Maintenance runs on the calling thread: the weighted size is back under the bound when a store returns,
 *   and no pool thread is involved.
 * - A reload keeps the entries: a new max_size applies at once (evicting down to it), a new ttl to answers
 *   stored afterwards, and the entries of a model whose caching was turned off are dropped.
 * - Identical misses that run at the same time all go to a provider; each stores its answer, the last one
 *   stays. Coalescing them would make clients wait on another client's request (and its failures).
 */
/** The exact-match response cache of the models with {@code cache} on. Thread-safe. */
public final class ResponseCache {
    /** How a request met the cache, as {@value #HEADER} says. */
    public enum Outcome {
        HIT,
        MISS,
        BYPASS;

        /** The header's value. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The header every answer of a model with caching on carries. */
    public static final String HEADER = "x-gateway-cache";
    /** The biggest answer stored, whatever the bound: a bigger one is passed on, not kept. */
    static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private static final String CHAT = "/chat/completions";
    private static final String MESSAGES = "/messages";

    private final Cache<CacheKey, CachedAnswer> entries;
    private final CacheStats stats = new CacheStats();
    private volatile long maxBytes;

    public ResponseCache(CacheSettings settings, Clock clock) {
        requireNonNull(settings, "settings");
        requireNonNull(clock, "clock");
        this.maxBytes = settings.maxBytes();
        this.entries = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((CacheKey k, CachedAnswer v) -> v.weight())
                .expireAfter(Expiry.creating((CacheKey k, CachedAnswer v) -> Duration.ofNanos(v.ttlNanos())))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** Applies a reloaded config (see the design notes). */
    public void configure(GatewayConfig config) {
        maxBytes = config.cache().maxBytes();
        entries.policy().eviction().ifPresent(e -> e.setMaximum(maxBytes));
        entries.asMap().values().removeIf(v -> {
            ModelConfig m = config.models().get(v.model());
            return m == null || !m.cached();
        });
    }

    /**
     * Looks a request up.
     *
     * @param path the client's path after {@code /v1}, without its query
     * @param scope whose entries the request sees: a client key's own, or the shared ones
     * @param model the model asked for
     * @param body the request's body, not consumed
     * @param cacheControl the client's {@code Cache-Control}, or null
     */
    public Lookup lookup(String path, String scope, String model, ByteBuf body, Duration ttl, String cacheControl) {
        boolean noCache = has(cacheControl, "no-cache");
        boolean noStore = has(cacheControl, "no-store");
        boolean anthropic = path.equals(MESSAGES);
        CacheKey key = noCache && noStore || !cacheable(path) ? null : RequestDigest.of(path, scope, model, body);
        if (key == null) {
            return count(new Lookup(this, Outcome.BYPASS, null, null, model, 0, anthropic));
        }
        long ttlNanos = noStore ? 0 : ttl.toNanos();
        if (noCache) {
            return count(new Lookup(this, Outcome.BYPASS, null, key, model, ttlNanos, anthropic));
        }
        CachedAnswer hit = entries.getIfPresent(key);
        return count(
                hit != null
                        ? new Lookup(this, Outcome.HIT, hit, null, model, 0, anthropic)
                        : new Lookup(this, Outcome.MISS, null, key, model, ttlNanos, anthropic));
    }

    /** Whether answers of {@code path} are cached: chat completions and messages, the answers a replay writes. */
    static boolean cacheable(String path) {
        return path.equals(CHAT) || path.equals(MESSAGES);
    }

    private Lookup count(Lookup lookup) {
        stats.counted(lookup.outcome());
        return lookup;
    }

    void store(CacheKey key, CachedAnswer answer) {
        if (answer.weight() <= maxBytes) {
            entries.put(key, answer);
            stats.stored();
        }
    }

    /** The most bytes an answer may have to be stored. */
    int maxAnswerBytes() {
        return (int) Math.min(MAX_ANSWER_BYTES, maxBytes);
    }

    /** Whether {@code cacheControl} (comma-separated directives) holds {@code directive}. */
    static boolean has(String cacheControl, String directive) {
        if (cacheControl == null) {
            return false;
        }
        for (String part : cacheControl.split(",")) {
            String d = part.trim();
            int eq = d.indexOf('=');
            if ((eq < 0 ? d : d.substring(0, eq).trim()).equalsIgnoreCase(directive)) {
                return true;
            }
        }
        return false;
    }

    /** Drops every entry. */
    public void clear() {
        entries.invalidateAll();
        entries.cleanUp();
    }

    /** The entries' weight: the bytes of the stored answers and their overhead. */
    public long bytes() {
        return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** The bound {@link #bytes} is kept under. */
    public long maxBytes() {
        return maxBytes;
    }

    public long entries() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    public CacheStats stats() {
        return stats;
    }
}
