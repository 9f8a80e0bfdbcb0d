package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Since-start spend of answered requests by provider, model and client key, for {@code /metrics}: what they
 * cost in nano-dollars and how many had no known price. Labels come from the config (model names through
 * {@link ModelLabels}), so the number of series stays bounded.
 */
final class CostTally implements RequestObserver {
    static final int COST_NANOS = 0;
    static final int UNPRICED = 1;

    /** The labels of a series; {@code key} is {@code none} without client keys. */
    record Labels(String provider, String model, String key) {}

    private final Supplier<GatewayConfig> config;
    private final Map<Labels, AtomicLongArray> sums = new ConcurrentHashMap<>();

    CostTally(Supplier<GatewayConfig> config) {
        this.config = requireNonNull(config, "config");
    }

    @Override
    public void onComplete(RequestRecord r) {
        if (r.modelUsed() == null || r.provider() == null || r.costNanos() == 0) {
            return; // no answer billed, or a free one: nothing to add
        }
        Labels labels = new Labels(
                r.provider(),
                ModelLabels.model(config.get(), r.modelUsed()),
                r.clientKeyId() == null ? ModelLabels.NONE : r.clientKeyId());
        AtomicLongArray cells = sums.computeIfAbsent(labels, k -> new AtomicLongArray(2));
        if (r.costNanos() == RequestRecord.UNPRICED) {
            cells.incrementAndGet(UNPRICED);
        } else {
            cells.addAndGet(COST_NANOS, r.costNanos());
        }
    }

    /** A copy of the sums now: cells {@link #COST_NANOS} and {@link #UNPRICED} per series. */
    Map<Labels, long[]> sums() {
        Map<Labels, long[]> copy = new HashMap<>();
        sums.forEach((k, v) -> copy.put(k, new long[] {v.get(COST_NANOS), v.get(UNPRICED)}));
        return copy;
    }
}
