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

/**
 * The request duration and time-to-first-byte histograms of {@code /metrics}, by model asked for and stream,
 * built at scrape time from {@link RequestStats}' latency rows (the client has no histogram with a callback).
 */
final class LatencyHistograms implements MultiCollector {
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
                        Latency.FIRST_BYTE));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("llm_gateway_request_duration_seconds", "llm_gateway_time_to_first_byte_seconds");
    }

    private HistogramSnapshot histogram(String name, String help, Latency latency) {
        double[] bounds = latency.upperBounds();
        Map<List<String>, long[]> counts = new HashMap<>();
        Map<List<String>, Double> sums = new HashMap<>();
        stats.forEachLatency((model, stream, cells) -> {
            List<String> labels = List.of(model, Boolean.toString(stream));
            latency.addCounts(cells, counts.computeIfAbsent(labels, k -> new long[bounds.length]));
            sums.merge(labels, latency.sum(cells), Double::sum);
        });
        HistogramSnapshot.Builder snapshot =
                HistogramSnapshot.builder().name(name).help(help);
        counts.forEach((labels, c) -> {
            if (Arrays.stream(c).sum() == 0) {
                return; // never observed: no first byte in any of these requests
            }
            snapshot.dataPoint(HistogramDataPointSnapshot.builder()
                    .labels(Labels.of("model", labels.get(0), "stream", labels.get(1)))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, c))
                    .sum(sums.get(labels))
                    .build());
        });
        return snapshot.build();
    }
}
