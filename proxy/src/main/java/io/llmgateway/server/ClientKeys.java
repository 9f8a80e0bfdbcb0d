package io.llmgateway.server;

import io.llmgateway.config.AccessSettings;
import io.llmgateway.config.Limits;
import io.llmgateway.limit.ProviderLimiter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/*
 * Design notes
 * - Keys are looked up by their SHA-256 digest, never compared as strings: the lookup's timing depends
 *   only on the digest, which tells an attacker nothing about any key (a constant-time comparison
 *   against every key would cost O(keys) per request for the same guarantee).
 * - A key's own rpm/tpm budget is a ProviderLimiter: the same exact, lock-free windows as providers use.
 *   Budgets are kept across a reload for keys whose name stays.
 */
final class ClientKeys {
    static final ClientKeys NONE = new ClientKeys(Map.of());

    private final Map<String, Key> byDigest;

    private ClientKeys(Map<String, Key> byDigest) {
        this.byDigest = byDigest;
    }

    static ClientKeys of(AccessSettings access, Clock clock, ClientKeys previous) {
        if (access.apiKeys().isEmpty()) {
            return NONE;
        }
        Map<String, Key> byName = new HashMap<>();
        for (Key k : previous.byDigest.values()) {
            byName.put(k.name, k);
        }
        Map<String, Key> map = new HashMap<>();
        for (AccessSettings.ClientKey ck : access.apiKeys()) {
            Limits limits = new Limits(ck.rpm(), ck.tpm(), Limits.UNLIMITED, Limits.UNLIMITED);
            Key old = byName.get(ck.name());
            ProviderLimiter limiter;
            if (old != null) {
                limiter = old.limiter;
                limiter.update(limits, false, ZoneId.systemDefault());
            } else {
                limiter = new ProviderLimiter(limits, false, ZoneId.systemDefault(), clock);
            }
            map.put(digest(ck.key()), new Key(ck.name(), limiter, Set.copyOf(ck.models()), ck.sharedCache()));
        }
        return new ClientKeys(map);
    }

    boolean enabled() {
        return !byDigest.isEmpty();
    }

    /** The key the request presents ({@code Authorization: Bearer} or {@code x-api-key}), or null. */
    Key authenticate(HttpHeaders headers) {
        String presented = Credentials.bearer(headers.get(HttpHeaderNames.AUTHORIZATION));
        if (presented == null) {
            presented = headers.get("x-api-key");
        }
        return presented == null || presented.isEmpty() ? null : byDigest.get(digest(presented));
    }

    private static String digest(String key) {
        return Base64.getEncoder().encodeToString(Credentials.sha256(key));
    }

    /** One client key: its name (for logs) and its own budget. */
    static final class Key {
        final String name;
        final ProviderLimiter limiter;
        final Set<String> models;
        /** The models this key may use, or null when it may use every model; built once, not per request. */
        final Predicate<String> modelFilter;
        /** Whose response cache entries this key sees: its own, or ({@code cache_scope: shared}) the shared ones. */
        final String cacheScope;

        Key(String name, ProviderLimiter limiter, Set<String> models, boolean sharedCache) {
            this.name = name;
            this.cacheScope = sharedCache ? "shared" : "key:" + name;
            this.limiter = limiter;
            this.models = models;
            this.modelFilter = models.isEmpty() ? null : models::contains;
        }

        boolean mayUse(String model) {
            return models.isEmpty() || models.contains(model);
        }
    }
}
