package io.llmgateway.bench.load;

import static io.llmgateway.bench.load.RunStats.cpuPerRequest;
import static io.llmgateway.bench.load.RunStats.median;
import static io.llmgateway.bench.load.RunStats.ratio;
import static io.llmgateway.bench.load.RunStats.rps;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The TRACING=1 part of the load report: what the traced gateway (every span exported to a local sink) costs
 * over the same gateway without tracing, within each round.
 */
final class TracingCost {
    private TracingCost() {}

    static void append(
            StringBuilder out,
            Map<String, Map<String, Map<String, Map<String, String>>>> byCase,
            double tick,
            Map<String, String> facts) {
        if (byCase.values().stream().noneMatch(c -> c.containsKey("traced") && c.containsKey("gateway"))) {
            return;
        }
        out.append(String.format(
                Locale.ROOT,
                "%nTracing (sample_ratio 1.0, every span exported to a local sink) against the same gateway without;"
                        + " spans exported %s, dropped %s%n",
                facts.getOrDefault("tracing_spans_exported", "?"),
                facts.getOrDefault("tracing_spans_dropped", "?")));
        out.append(String.format(Locale.ROOT, "%-18s %20s %22s%n", "case", "traced/gw req/s", "CPU us/req added"));
        for (var e : byCase.entrySet()) {
            Map<String, Map<String, String>> traced = e.getValue().get("traced");
            Map<String, Map<String, String>> gw = e.getValue().get("gateway");
            if (traced == null || gw == null) {
                continue;
            }
            List<Double> added = new ArrayList<>();
            for (var r : traced.entrySet()) {
                Map<String, String> plain = gw.get(r.getKey());
                if (plain != null) {
                    added.add(cpuPerRequest(r.getValue(), tick) - cpuPerRequest(plain, tick));
                }
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %20s %22s%n",
                    e.getKey(),
                    ratio(traced, gw, r -> rps(r), "%.2f"),
                    added.isEmpty() ? "-" : String.format(Locale.ROOT, "%+.2f", median(added))));
        }
    }
}
