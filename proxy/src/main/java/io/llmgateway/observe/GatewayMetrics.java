package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import io.llmgateway.route.CircuitState;
import io.llmgateway.route.ProviderSnapshot;
import io.llmgateway.route.StoreStatus;
import io.llmgateway.spend.Cost;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/*
 * Design notes
 * - Request metrics are views over RequestStats, which counts each record once: the counters are
 *   callback metrics that add its tallies up at scrape time, the two histograms a collector that builds
 *   their snapshots from its latency rows. Nothing here runs on the request path.
 * - Everything that is state rather than events (provider windows and limits, circuits, pool
 *   connections, in-flight requests, the interaction log's queue) is read when Prometheus scrapes, from
 *   the router's snapshot and the other owners, so nothing is kept twice and nothing can drift.
 * - Label values are bounded: models are configured names, "auto", "other" (anything else a client
 *   sent) or "none"; providers are configured names; statuses are HTTP codes. No request ids.
 * - One registry per gateway (not the client's global default), so several gateways in one JVM (tests)
 *   never share series.
 */
/** The gateway's Prometheus metrics, served by {@link MetricsEndpoint}. */
public final class GatewayMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    /**
     * @param stats the counts of finished requests
     * @param costs the spend of answered requests
     * @param interactionLog the interaction log whose queue and drops are reported, or null when it is off
     */
    public GatewayMetrics(ObservedGateway gateway, RequestStats stats, CostTally costs, InteractionLog interactionLog) {
        requireNonNull(gateway, "gateway");
        requireNonNull(stats, "stats");
        requireNonNull(costs, "costs");
        CounterWithCallback.builder()
                .name("llm_gateway_cost_usd_total")
                .help("What answered requests cost in USD at the configured and built-in prices, by provider, model "
                        + "and client key (none without keys)")
                .labelNames("provider", "model", "key")
                .callback(cb -> costs.sums().forEach((l, n) -> {
                    if (n[CostTally.COST_NANOS] > 0) {
                        cb.call(
                                n[CostTally.COST_NANOS] / (double) Cost.NANOS_PER_USD,
                                l.provider(),
                                l.model(),
                                l.key());
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_unpriced_requests_total")
                .help("Answered requests to a model without a known price (served, counted at no cost), by provider, "
                        + "model and client key")
                .labelNames("provider", "model", "key")
                .callback(cb -> costs.sums().forEach((l, n) -> {
                    if (n[CostTally.UNPRICED] > 0) {
                        cb.call(n[CostTally.UNPRICED], l.provider(), l.model(), l.key());
                    }
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_requests_total")
                .help("Proxied requests by the model asked for, the provider that answered last, and the HTTP status "
                        + "sent (0: the client left first)")
                .labelNames("model", "provider", "status")
                .callback(cb -> sum(
                                stats,
                                k -> List.of(k.modelAsked, k.provider, Integer.toString(k.status)),
                                Tally.REQUESTS)
                        .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new))))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_request_errors_total")
                .help("Proxied requests that failed, by model asked for and error type")
                .labelNames("model", "type")
                .callback(cb -> sum(stats, k -> k.failed() ? List.of(k.modelAsked, k.errorType) : null, Tally.REQUESTS)
                        .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new))))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_attempts_total")
                .help("Requests sent to providers (a failover makes several per client request), by outcome")
                .labelNames("provider", "outcome")
                .callback(cb -> stats.attempts()
                        .forEach((provider, outcomes) ->
                                outcomes.forEach((outcome, n) -> cb.call(n[Tally.ATTEMPTS], provider, outcome))))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_failovers_total")
                .help("Times a request moved on to another provider after an attempt failed")
                .labelNames("model")
                .callback(cb -> sum(stats, k -> List.of(k.modelAsked), Tally.FAILOVERS)
                        .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new))))
                .register(registry);
        CounterWithCallback.builder()
                .name("llm_gateway_tokens_total")
                .help(
                        "Tokens by model asked for, provider, kind (prompt, completion; of the prompt, cache_creation and "
                                + "cache_read: written to and read from the provider's prompt cache) and source (reported by "
                                + "the provider, or estimated by the gateway)")
                .labelNames("model", "provider", "kind", "source")
                .callback(cb -> {
                    Map<Tally.Key, long[]> tallies = stats.tallies();
                    tokens(tallies, "prompt", Tally.PROMPT_TOKENS)
                            .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new)));
                    tokens(tallies, "completion", Tally.COMPLETION_TOKENS)
                            .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new)));
                    tokens(tallies, "cache_creation", Tally.CACHE_CREATION_TOKENS)
                            .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new)));
                    tokens(tallies, "cache_read", Tally.CACHE_READ_TOKENS)
                            .forEach((labels, n) -> cb.call(n, labels.toArray(String[]::new)));
                })
                .register(registry);
        registry.register(new LatencyHistograms(stats));

        GaugeWithCallback.builder()
                .name("llm_gateway_in_flight_requests")
                .help("Proxied requests started and not yet finished")
                .callback(cb -> cb.call(gateway.inFlight()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_upstream_connections")
                .help("Open connections to providers, pooled and in use")
                .callback(cb -> cb.call(gateway.openUpstreamConnections()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_provider_window_usage")
                .help("Current usage of each provider's rate-limit windows (rpm, tpm: last 60 s; rpd: today)")
                .labelNames("provider", "window")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        cb.call(p.rpm(), p.name(), "rpm");
                        cb.call(p.tpm(), p.name(), "tpm");
                        cb.call(p.rpd(), p.name(), "rpd");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_provider_window_limit")
                .help("Configured limit of each provider's rate-limit windows (absent: unlimited)")
                .labelNames("provider", "window")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        limit(cb, p.rpmLimit(), p.name(), "rpm");
                        limit(cb, p.tpmLimit(), p.name(), "tpm");
                        limit(cb, p.rpdLimit(), p.name(), "rpd");
                        limit(cb, p.tpr(), p.name(), "tpr");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_provider_headroom_ratio")
                .help("Remaining fraction of each provider's tightest limit, local or reported by the provider")
                .labelNames("provider")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        cb.call(p.headroom(), p.name());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_provider_circuit_state")
                .help("Circuit breaker state per provider: 1 for the current state, 0 for the others")
                .labelNames("provider", "state")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        for (CircuitState s : CircuitState.values()) {
                            cb.call(p.circuit() == s ? 1 : 0, p.name(), s.name().toLowerCase(Locale.ROOT));
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("llm_gateway_limits_store_mode")
                .help("Where rate-limit counters live: 1 for the current mode (memory: this process alone; shared: "
                        + "Redis, exact across instances; fallback: Redis configured but not answering)")
                .labelNames("mode")
                .callback(cb -> {
                    StoreStatus.Mode now = gateway.router().storeStatus().mode();
                    for (StoreStatus.Mode m : StoreStatus.Mode.values()) {
                        cb.call(m == now ? 1 : 0, m.label());
                    }
                })
                .register(registry);
        if (interactionLog != null) {
            CounterWithCallback.builder()
                    .name("llm_gateway_interaction_log_dropped_total")
                    .help("Interaction log records dropped: queue_full (the writer could not keep up) or "
                            + "write_failed (the file could not be written)")
                    .labelNames("reason")
                    .callback(cb -> {
                        cb.call(interactionLog.droppedQueueFull(), "queue_full");
                        cb.call(interactionLog.droppedWriteFailed(), "write_failed");
                    })
                    .register(registry);
            CounterWithCallback.builder()
                    .name("llm_gateway_interaction_log_written_total")
                    .help("Interaction log records written")
                    .callback(cb -> cb.call(interactionLog.written()))
                    .register(registry);
            GaugeWithCallback.builder()
                    .name("llm_gateway_interaction_log_queue")
                    .help("Interaction log records waiting for the writer")
                    .callback(cb -> cb.call(interactionLog.queued()))
                    .register(registry);
        }
        if (gateway.cache() != null) {
            CacheMetrics.register(registry, gateway.cache());
        }
    }

    private static void limit(GaugeWithCallback.Callback cb, long limit, String provider, String window) {
        if (limit != Limits.UNLIMITED) {
            cb.call(limit, provider, window);
        }
    }

    /** Sums of one tally cell grouped by the labels {@code group} gives (null: left out); zero sums left out. */
    private static Map<List<String>, Long> sum(RequestStats stats, Function<Tally.Key, List<String>> group, int cell) {
        return sum(stats.tallies(), group, cell);
    }

    private static Map<List<String>, Long> sum(
            Map<Tally.Key, long[]> tallies, Function<Tally.Key, List<String>> group, int cell) {
        Map<List<String>, Long> sums = new HashMap<>();
        tallies.forEach((k, cells) -> {
            List<String> labels = group.apply(k);
            if (labels != null && cells[cell] > 0) {
                sums.merge(labels, cells[cell], Long::sum);
            }
        });
        return sums;
    }

    private static Map<List<String>, Long> tokens(Map<Tally.Key, long[]> tallies, String kind, int cell) {
        return sum(
                tallies,
                k -> List.of(k.modelAsked, k.provider, kind, k.tokensEstimated ? "estimated" : "reported"),
                cell);
    }

    /** Adds the metrics of another part of the gateway (the trace export's counters). */
    public void register(Collector collector) {
        registry.register(requireNonNull(collector, "collector"));
    }

    /** Everything now, for the exposition writer. */
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
