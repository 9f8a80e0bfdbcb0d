package io.llmgateway.observe;

import io.llmgateway.cache.CacheStats;
import io.llmgateway.cache.ResponseCache;
import io.llmgateway.spend.Cost;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The response cache's metrics, read from its counters when Prometheus scrapes. */
final class CacheMetrics {
    private CacheMetrics() {}

    static void register(PrometheusRegistry registry, ResponseCache cache) {
        CacheStats stats = cache.stats();
        CounterWithCallback.builder()
                .name("llm_gateway_cache_requests_total")
                .help("Requests for models with caching on, by how they met the response cache: hit (answered from "
                        + "it), miss (looked up, not found), bypass (not looked up: Cache-Control: no-cache, n > 1, "
                        + "a path whose answers are not cached)")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(stats.hits(), "hit");
                    cb.call(stats.misses(), "miss");
                    cb.call(stats.bypasses(), "bypass");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_cache_stores_total")
                .help("Answers stored in the response cache")
                .callback(cb -> cb.call(stats.stores()))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_cache_hit_bytes_total")
                .help("Body bytes answered from the response cache")
                .callback(cb -> cb.call(stats.hitBytes()))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_cache_saved_tokens_total")
                .help("Tokens the providers did not have to process because the response cache answered")
                .callback(cb -> cb.call(stats.savedTokens()))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_cache_saved_usd_total")
                .help("What the answers of response cache hits would have cost at the providers' prices, in USD")
                .callback(cb -> cb.call(stats.savedCostNanos() / (double) Cost.NANOS_PER_USD))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_cache_bytes")
                .help("Bytes the response cache's entries weigh (bounded by cache.max_size)")
                .callback(cb -> cb.call(cache.bytes()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_cache_entries")
                .help("Answers in the response cache")
                .callback(cb -> cb.call(cache.entries()))
                .register(registry);
    }
}
