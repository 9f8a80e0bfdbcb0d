package io.llmgateway.server;

import io.llmgateway.limit.ProviderLimiter;
import io.llmgateway.route.Denial;
import java.util.function.Predicate;

/**
 * One request's use of its client key's own rpm/tpm budget: reserved with the token estimate before
 * routing, settled to the real usage at the end (the same scheme as provider budgets).
 */
final class ClientQuota {
    private final ClientKeys.Key key;
    private long ticket = -1;
    private long reserved;

    ClientQuota(ClientKeys.Key key) {
        this.key = key;
    }

    String keyName() {
        return key.name;
    }

    /** Whose response cache entries the request sees. */
    String cacheScope() {
        return key.cacheScope;
    }

    boolean mayUse(String model) {
        return key.mayUse(model);
    }

    /** The models this key may use ("auto" chooses only among them), or null for every model. */
    Predicate<String> modelFilter() {
        return key.modelFilter;
    }

    /** Reserves the estimate; returns null when admitted, else the 429 refusal. */
    Denial reserve(long estimatedTokens) {
        long t = key.limiter.tryAcquire(estimatedTokens);
        if (t >= 0) {
            ticket = t;
            reserved = estimatedTokens;
            return null;
        }
        return new Denial(429, refusal(t, estimatedTokens), retryAfterSeconds(estimatedTokens));
    }

    /** Why the key's limiter refused {@code estimatedTokens} with {@code t}. */
    private String refusal(long t, long estimatedTokens) {
        if (t == ProviderLimiter.REJECTED_TPR) {
            return "This request needs an estimated " + estimatedTokens + " tokens, more than client key '" + key.name
                    + "' may use per minute (tpm " + key.limiter.tpm().limit() + ").";
        }
        String which = t == ProviderLimiter.REJECTED_RPM
                ? "requests per minute (rpm " + key.limiter.rpm().limit()
                : "tokens per minute (tpm " + key.limiter.tpm().limit();
        return "Rate limit of client key '" + key.name + "' reached: " + which + ").";
    }

    /** Seconds until the key's windows would admit this request, at least 1. */
    private long retryAfterSeconds(long estimatedTokens) {
        long millis = Math.max(
                key.limiter.rpm().millisUntilAvailable(1), key.limiter.tpm().millisUntilAvailable(estimatedTokens));
        return millis == Long.MAX_VALUE ? 60 : Math.max(1, (millis + 999) / 1000);
    }

    /** Corrects the reservation to what the request really used; once. */
    void settle(long actualTokens) {
        if (ticket >= 0) {
            key.limiter.settle(ticket, reserved, actualTokens);
            ticket = -1;
        }
    }
}
