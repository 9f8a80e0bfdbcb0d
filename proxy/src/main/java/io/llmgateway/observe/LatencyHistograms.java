package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * The latency histograms of {@code /metrics}, built at scrape time from {@link RequestStats}' latency rows (the
 * client has no histogram with a callback): request duration and time to first byte by model asked for and
 * stream; the gateway's own time ({@code phase} {@code pre} and {@code post}, as in its {@code Server-Timing}
 * header) and a stream's time to first token by provider and model asked for.
 */
final class LatencyHistograms implements MultiCollector {
    private static final String OVERHEAD = "llm_gateway_overhead_seconds";
    private static final String FIRST_TOKEN = "llm_gateway_time_to_first_token_seconds";

    private final RequestStats stats;

    LatencyHistograms(RequestStats stats) {
        this.stats = requireNonNull(stats, "stats");
    }

    @Override
    public MetricSnapshots collect() {
        return new MetricSnapshots(
                histogram(
                        "llm_gateway_request_duration_seconds",
                        "Time from a request's arrival to the end of its response",
                        Latency.DURATION),
                histogram(
                        "llm_gateway_time_to_first_byte_seconds",
                        "Time from a request's arrival to the first response byte; for streams, the first token",
                        Latency.FIRST_BYTE),
                overhead(),
                firstToken());
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(
                "llm_gateway_request_duration_seconds",
                "llm_gateway_time_to_first_byte_seconds",
                OVERHEAD,
                FIRST_TOKEN);
    }

    private HistogramSnapshot overhead() {
        HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder()
                .name(OVERHEAD)
                .help("The gateway's own time per request sent to a provider, by the provider that answered (or "
                        + "was tried last), the model asked for and phase: pre, from the request's arrival to the "
                        + "provider's request written (without earlier attempts' waits); post, from the provider's "
                        + "answer read to the client's response head written");
        byProvider(snapshot, Latency.OVERHEAD_PRE, "pre");
        byProvider(snapshot, Latency.OVERHEAD_POST, "post");
        return snapshot.build();
    }

    private HistogramSnapshot firstToken() {
        HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder()
                .name(FIRST_TOKEN)
                .help("Time from a streamed request's arrival to the first event of a provider's 2xx answer written "
                        + "to the client, by the provider that answered and the model asked for");
        byProvider(snapshot, Latency.FIRST_TOKEN, null);
        return snapshot.build();
    }

    /** Adds the (provider, model) data points of {@code latency} to {@code snapshot}, with {@code phase} unless null. */
    private void byProvider(HistogramSnapshot.Builder snapshot, Latency latency, String phase) {
        Rows rows = new Rows(latency);
        stats.forEachProviderLatency((provider, model, cells) -> rows.add(List.of(provider, model), cells));
        rows.addTo(snapshot, labels -> {
            Labels l = Labels.of("provider", labels.get(0), "model", labels.get(1));
            return phase == null ? l : l.add("phase", phase);
        });
    }

    private HistogramSnapshot histogram(String name, String help, Latency latency) {
        Rows rows = new Rows(latency);
        stats.forEachLatency((model, stream, cells) -> rows.add(List.of(model, Boolean.toString(stream)), cells));
        HistogramSnapshot.Builder snapshot =
                HistogramSnapshot.builder().name(name).help(help);
        rows.addTo(snapshot, labels -> Labels.of("model", labels.get(0), "stream", labels.get(1)));
        return snapshot.build();
    }

    /** One histogram's counts and sums added up over the shards' rows, by label values. */
    private static final class Rows {
        private final Latency latency;
        private final double[] bounds;
        private final Map<List<String>, long[]> counts = new HashMap<>();
        private final Map<List<String>, Double> sums = new HashMap<>();

        Rows(Latency latency) {
            this.latency = latency;
            this.bounds = latency.upperBounds();
        }

        void add(List<String> labels, AtomicLongArray cells) {
            latency.addCounts(cells, counts.computeIfAbsent(labels, k -> new long[bounds.length]));
            sums.merge(labels, latency.sum(cells), Double::sum);
        }

        void addTo(HistogramSnapshot.Builder snapshot, Function<List<String>, Labels> labelsOf) {
            counts.forEach((labels, c) -> {
                if (Arrays.stream(c).sum() == 0) {
                    return; // never observed: no first byte (or token) in any of these requests
                }
                snapshot.dataPoint(HistogramDataPointSnapshot.builder()
                        .labels(labelsOf.apply(labels))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, c))
                        .sum(sums.get(labels))
                        .build());
            });
        }
    }
}
