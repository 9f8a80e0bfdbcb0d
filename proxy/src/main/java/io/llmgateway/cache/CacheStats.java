package io.llmgateway.cache;

import java.util.concurrent.atomic.LongAdder;

/** The cache's counters since the gateway started: lookups by outcome, stores, and what hits saved. */
public final class CacheStats {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder hitBytes = new LongAdder();
    private final LongAdder savedTokens = new LongAdder();
    private final LongAdder savedCostNanos = new LongAdder();

    CacheStats() {}

    void counted(ResponseCache.Outcome outcome) {
        switch (outcome) {
            case HIT -> hits.increment();
            case MISS -> misses.increment();
            case BYPASS -> bypasses.increment();
        }
    }

    void stored() {
        stores.increment();
    }

    /**
     * A hit was answered: {@code bytes} of body written, {@code tokens} and {@code costNanos} (0 when unpriced)
     * not spent at the provider.
     */
    public void saved(long bytes, long tokens, long costNanos) {
        hitBytes.add(bytes);
        savedTokens.add(tokens);
        savedCostNanos.add(Math.max(0, costNanos));
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long bypasses() {
        return bypasses.sum();
    }

    public long stores() {
        return stores.sum();
    }

    /** Body bytes written by hits. */
    public long hitBytes() {
        return hitBytes.sum();
    }

    public long savedTokens() {
        return savedTokens.sum();
    }

    /** The providers' price of the tokens hits saved, in nano-dollars. */
    public long savedCostNanos() {
        return savedCostNanos.sum();
    }

    /** Hits over lookups (hits and misses), 0 before the first lookup. */
    public double hitRatio() {
        long h = hits();
        long lookups = h + misses();
        return lookups == 0 ? 0 : (double) h / lookups;
    }
}
