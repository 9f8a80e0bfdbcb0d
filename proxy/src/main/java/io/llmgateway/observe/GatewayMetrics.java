package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.route.CircuitState;
import io.llmgateway.route.StoreStatus;
import io.llmgateway.route.ProviderSnapshot;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Locale;

/*
 * Design notes
 * - Request metrics are updated from each RequestRecord on the event loop that finished the request:
 *   the Prometheus client's counters and histograms are lock-free adders, a few per request.
 * - Everything that is state rather than events (provider windows and limits, circuits, pool
 *   connections, in-flight requests, the interaction log's queue) is read when Prometheus scrapes, from
 *   the router's snapshot and the other owners, so nothing is kept twice and nothing can drift.
 * - Label values are bounded: models are configured names, "auto", "other" (anything else a client
 *   sent) or "none"; providers are configured names; statuses are HTTP codes. No request ids.
 * - One registry per gateway (not the client's global default), so several gateways in one JVM (tests)
 *   never share series.
 * - No exemplars: /metrics serves the Prometheus text format, which has none, and the client's sampler
 *   scheduled a task on its own thread for an observation once its interval had passed, so at low traffic
 *   nearly every request woke that thread from the event loop before its answer went out.
 */
/** The gateway's Prometheus metrics, served at {@code /metrics}. */
public final class GatewayMetrics implements RequestObserver {
    private static final double[] LATENCY_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    private static final double[] FIRST_BYTE_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private static final String[] STATUS_LABELS = new String[600];

    static {
        for (int i = 0; i < STATUS_LABELS.length; i++) {
            STATUS_LABELS[i] = Integer.toString(i);
        }
    }

    private final ObservedGateway gateway;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter errors;
    private final Counter attempts;
    private final Counter failovers;
    private final Counter tokens;
    private final Histogram duration;
    private final Histogram firstByte;
    // The same data points, found without the client's per-call label list (see LabelledPoints).
    private final LabelledPoints<CounterDataPoint> requestPoints;
    private final LabelledPoints<CounterDataPoint> errorPoints;
    private final LabelledPoints<CounterDataPoint> attemptPoints;
    private final LabelledPoints<CounterDataPoint> failoverPoints;
    private final LabelledPoints<CounterDataPoint> tokenPoints;
    private final LabelledPoints<DistributionDataPoint> durationPoints;
    private final LabelledPoints<DistributionDataPoint> firstBytePoints;

    /**
     * @param interactionLog the interaction log whose queue and drops are reported, or null when it is off
     */
    public GatewayMetrics(ObservedGateway gateway, InteractionLog interactionLog) {
        this.gateway = requireNonNull(gateway, "gateway");
        requests = Counter.builder().name("llm_gateway_requests_total")
                .help("Proxied requests by the model asked for, the provider that answered last, and the HTTP status "
                        + "sent (0: the client left first)")
                .labelNames("model", "provider", "status").withoutExemplars().register(registry);
        errors = Counter.builder().name("llm_gateway_request_errors_total")
                .help("Proxied requests that failed, by model asked for and error type")
                .labelNames("model", "type").withoutExemplars().register(registry);
        attempts = Counter.builder().name("llm_gateway_attempts_total")
                .help("Requests sent to providers (a failover makes several per client request), by outcome")
                .labelNames("provider", "outcome").withoutExemplars().register(registry);
        failovers = Counter.builder().name("llm_gateway_failovers_total")
                .help("Times a request moved on to another provider after an attempt failed")
                .labelNames("model").withoutExemplars().register(registry);
        tokens = Counter.builder().name("llm_gateway_tokens_total")
                .help("Tokens by model asked for, provider, kind (prompt, completion) and source (reported by the "
                        + "provider, or estimated by the gateway)")
                .labelNames("model", "provider", "kind", "source").withoutExemplars().register(registry);
        duration = Histogram.builder().name("llm_gateway_request_duration_seconds")
                .help("Time from a request's arrival to the end of its response")
                .labelNames("model", "stream").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
                .register(registry);
        firstByte = Histogram.builder().name("llm_gateway_time_to_first_byte_seconds")
                .help("Time from a request's arrival to the first response byte; for streams, the first token")
                .labelNames("model", "stream").classicOnly().classicUpperBounds(FIRST_BYTE_BUCKETS)
                .withoutExemplars().register(registry);
        requestPoints = new LabelledPoints<>(requests::labelValues);
        errorPoints = new LabelledPoints<>(errors::labelValues);
        attemptPoints = new LabelledPoints<>(attempts::labelValues);
        failoverPoints = new LabelledPoints<>(failovers::labelValues);
        tokenPoints = new LabelledPoints<>(tokens::labelValues);
        durationPoints = new LabelledPoints<>(duration::labelValues);
        firstBytePoints = new LabelledPoints<>(firstByte::labelValues);

        GaugeWithCallback.builder().name("llm_gateway_in_flight_requests")
                .help("Proxied requests started and not yet finished")
                .callback(cb -> cb.call(gateway.inFlight())).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_upstream_connections")
                .help("Open connections to providers, pooled and in use")
                .callback(cb -> cb.call(gateway.openUpstreamConnections())).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_provider_window_usage")
                .help("Current usage of each provider's rate-limit windows (rpm, tpm: last 60 s; rpd: today)")
                .labelNames("provider", "window")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        cb.call(p.rpm(), p.name(), "rpm");
                        cb.call(p.tpm(), p.name(), "tpm");
                        cb.call(p.rpd(), p.name(), "rpd");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_provider_window_limit")
                .help("Configured limit of each provider's rate-limit windows (absent: unlimited)")
                .labelNames("provider", "window")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        limit(cb, p.rpmLimit(), p.name(), "rpm");
                        limit(cb, p.tpmLimit(), p.name(), "tpm");
                        limit(cb, p.rpdLimit(), p.name(), "rpd");
                        limit(cb, p.tpr(), p.name(), "tpr");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_provider_headroom_ratio")
                .help("Remaining fraction of each provider's tightest limit, local or reported by the provider")
                .labelNames("provider")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        cb.call(p.headroom(), p.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_provider_circuit_state")
                .help("Circuit breaker state per provider: 1 for the current state, 0 for the others")
                .labelNames("provider", "state")
                .callback(cb -> {
                    for (ProviderSnapshot p : gateway.router().snapshot()) {
                        for (CircuitState s : CircuitState.values()) {
                            cb.call(p.circuit() == s ? 1 : 0, p.name(), s.name().toLowerCase(Locale.ROOT));
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("llm_gateway_limits_store_mode")
                .help("Where rate-limit counters live: 1 for the current mode (memory: this process alone; shared: "
                        + "Redis, exact across instances; fallback: Redis configured but not answering)")
                .labelNames("mode")
                .callback(cb -> {
                    StoreStatus.Mode now = gateway.router().storeStatus().mode();
                    for (StoreStatus.Mode m : StoreStatus.Mode.values()) {
                        cb.call(m == now ? 1 : 0, m.label());
                    }
                }).register(registry);
        if (interactionLog != null) {
            CounterWithCallback.builder().name("llm_gateway_interaction_log_dropped_total")
                    .help("Interaction log records dropped: queue_full (the writer could not keep up) or "
                            + "write_failed (the file could not be written)")
                    .labelNames("reason")
                    .callback(cb -> {
                        cb.call(interactionLog.droppedQueueFull(), "queue_full");
                        cb.call(interactionLog.droppedWriteFailed(), "write_failed");
                    }).register(registry);
            CounterWithCallback.builder().name("llm_gateway_interaction_log_written_total")
                    .help("Interaction log records written")
                    .callback(cb -> cb.call(interactionLog.written())).register(registry);
            GaugeWithCallback.builder().name("llm_gateway_interaction_log_queue")
                    .help("Interaction log records waiting for the writer")
                    .callback(cb -> cb.call(interactionLog.queued())).register(registry);
        }
    }

    private static void limit(GaugeWithCallback.Callback cb, long limit, String provider, String window) {
        if (limit != Limits.UNLIMITED) {
            cb.call(limit, provider, window);
        }
    }

    @Override
    public void onComplete(RequestRecord r) {
        GatewayConfig config = gateway.config();
        String model = ModelLabels.model(config, r.modelAsked());
        String provider = ModelLabels.provider(r.provider());
        requestPoints.get(model, provider, statusLabel(r.status())).inc();
        if (r.failed()) {
            errorPoints.get(model, r.errorType()).inc();
        }
        List<AttemptRecord> tried = r.attempts();
        for (int i = 0; i < tried.size(); i++) {
            AttemptRecord a = tried.get(i);
            attemptPoints.get(a.provider(), a.outcome()).inc();
        }
        if (tried.size() > 1) {
            failoverPoints.get(model).inc(tried.size() - 1);
        }
        String source = r.tokensEstimated() ? "estimated" : "reported";
        if (r.promptTokens() > 0) {
            tokenPoints.get(model, provider, "prompt", source).inc(r.promptTokens());
        }
        if (r.completionTokens() > 0) {
            tokenPoints.get(model, provider, "completion", source).inc(r.completionTokens());
        }
        String stream = r.stream() ? "true" : "false";
        durationPoints.get(model, stream).observe(r.totalMillis() / 1000.0);
        if (r.firstByteMillis() >= 0) {
            firstBytePoints.get(model, stream).observe(r.firstByteMillis() / 1000.0);
        }
    }

    private static String statusLabel(int status) {
        return status >= 0 && status < STATUS_LABELS.length ? STATUS_LABELS[status] : Integer.toString(status);
    }

    /** Everything now, for the exposition writer. */
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
