package io.llmgateway.bench.load;

import static io.llmgateway.bench.load.RunStats.busyPerRequest;
import static io.llmgateway.bench.load.RunStats.cpuPerRequest;
import static io.llmgateway.bench.load.RunStats.median;
import static io.llmgateway.bench.load.RunStats.perRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's last table: where the whole machine's CPU went per request, for each case and target. */
final class MachineSplit {
    private MachineSplit() {}

    /**
     * Where the machine's CPU went per request, for each target: the target itself, the mock, and the rest (wrk and
     * anything else running); idle time left out. At c=64 the cores are always busy, so requests per second are
     * the cores' time divided by this total, and 0.8 of nginx's req/s allows nginx's total / 0.8.
     * The same total is also split into user and kernel mode for the whole machine. On loopback a sender runs the
     * receiver's TCP processing and wake-up, so the per-process columns depend on how the kernel attributes that
     * work, which can differ between targets for the same work; the machine's kernel total shows whether a target
     * makes the kernel work more, its user total what the processes' own code costs.
     */
    static void append(
            StringBuilder out, Map<String, Map<String, Map<String, Map<String, String>>>> byCase, double tick) {
        if (byCase.values().stream()
                .flatMap(c -> c.values().stream())
                .flatMap(t -> t.values().stream())
                .noneMatch(r -> r.containsKey("machine_ticks"))) {
            return; // a results file without the machine's ticks
        }
        out.append(String.format(
                Locale.ROOT,
                "%nWhole machine, us of CPU per request (medians; rest = wrk and anything"
                        + " else; idle left out; user and kernel: the whole machine's total split by mode)%n"));
        out.append(String.format(
                Locale.ROOT,
                "%-18s %-8s %8s %8s %8s %8s %8s %8s %22s%n",
                "case",
                "target",
                "itself",
                "mock",
                "rest",
                "total",
                "user",
                "kernel",
                "0.8 of nginx allows"));
        for (var e : byCase.entrySet()) {
            Map<String, Map<String, String>> ng = e.getValue().get("nginx");
            // With one connection the cores mostly wait: latency, not CPU, sets req/s there.
            boolean cpuBound = !e.getKey().matches(".* c=1(pin)?");
            String budget = ng == null || !cpuBound
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "%.1f",
                            median(new ArrayList<>(ng.values()), r -> busyPerRequest(r, tick)) / 0.8);
            boolean first = true;
            for (var t : e.getValue().entrySet()) {
                List<Map<String, String>> rs = new ArrayList<>(t.getValue().values());
                boolean direct = t.getKey().equals("direct"); // its pids are the mock's
                boolean split =
                        rs.stream().allMatch(r -> r.containsKey("user_ticks")); // absent from some results files
                out.append(String.format(
                        Locale.ROOT,
                        "%-18s %-8s %8s %8.1f %8.1f %8.1f %8s %8s %22s%n",
                        first ? e.getKey() : "",
                        t.getKey(),
                        direct ? "-" : String.format(Locale.ROOT, "%.1f", median(rs, r -> cpuPerRequest(r, tick))),
                        median(rs, r -> perRequest(r, "mock_ticks", tick)),
                        median(
                                rs,
                                r -> busyPerRequest(r, tick)
                                        - perRequest(r, "mock_ticks", tick)
                                        - (direct ? 0 : cpuPerRequest(r, tick))),
                        median(rs, r -> busyPerRequest(r, tick)),
                        split
                                ? String.format(Locale.ROOT, "%.1f", median(rs, r -> perRequest(r, "user_ticks", tick)))
                                : "-",
                        split
                                ? String.format(
                                        Locale.ROOT,
                                        "%.1f",
                                        median(rs, r -> busyPerRequest(r, tick) - perRequest(r, "user_ticks", tick)))
                                : "-",
                        first ? budget : ""));
                first = false;
            }
        }
    }
}
