package io.llmgateway.bench.load;

import static io.llmgateway.bench.load.RunStats.cpuPerRequest;
import static io.llmgateway.bench.load.RunStats.diff;
import static io.llmgateway.bench.load.RunStats.median;
import static io.llmgateway.bench.load.RunStats.num;
import static io.llmgateway.bench.load.RunStats.ratio;
import static io.llmgateway.bench.load.RunStats.rps;
import static io.llmgateway.bench.load.RunStats.spread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the table of bench/load.sh from its raw results file: the build it measured (git revision and the
 * jars' sha256), then per case and target the medians over
 * rounds of requests/s, p50, p99 and CPU time per request; then the ratios, each computed within a round
 * (the targets of one round ran back to back, so they saw the same background load) and the median of
 * those taken.
 */
public final class LoadReport {
    private LoadReport() {}

    public static void main(String[] args) throws IOException {
        List<Map<String, String>> runs = new ArrayList<>();
        Map<String, String> facts = new HashMap<>();
        List<Map<String, String>> paced = new ArrayList<>();
        List<Map<String, String>> probes = new ArrayList<>();
        List<Map<String, String>> pausedProbes = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            Map<String, String> kv = parse(line);
            if (line.startsWith("run ")) {
                runs.add(kv);
            } else if (line.startsWith("paced ")) {
                paced.add(kv);
            } else if (line.startsWith("probe ")) {
                (num(kv, "pause_ms") > 0 ? pausedProbes : probes).add(kv);
            } else {
                facts.putAll(kv);
            }
        }
        double tick = 1e6 / Double.parseDouble(facts.getOrDefault("clk_tck", "100"));
        // case -> target -> round -> run
        Map<String, Map<String, Map<String, Map<String, String>>>> byCase = new LinkedHashMap<>();
        int rounds = 0;
        for (Map<String, String> r : runs) {
            String c = r.get("kind") + " c=" + r.get("conns");
            byCase.computeIfAbsent(c, k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.get("target"), k -> new LinkedHashMap<>())
                    .put(r.get("round"), r);
            rounds = Math.max(rounds, Integer.parseInt(r.get("round")));
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%nLoad test: %s cores shared by wrk, the mock and every target; %d rounds;"
                        + " medians over rounds%nMachine load average (1 min) before: %s, after: %s. spread = (max - min) / median"
                        + " of req/s over the rounds: the noise.%n%n",
                facts.getOrDefault("cores", "?"),
                rounds,
                facts.getOrDefault("load_before", "?"),
                facts.getOrDefault("load_after", "?")));
        if (facts.containsKey("revision")) {
            out.append(String.format(
                    Locale.ROOT,
                    "Build: revision %s, llm-gateway.jar sha256 %s, benchmarks.jar sha256" + " %s%n%n",
                    facts.get("revision"),
                    facts.getOrDefault("gateway_jar_sha256", "?"),
                    facts.getOrDefault("bench_jar_sha256", "?")));
        }
        out.append(String.format(
                Locale.ROOT,
                "%-18s %-8s %10s %7s %9s %9s %12s %7s%n",
                "case",
                "target",
                "req/s",
                "spread",
                "p50 us",
                "p99 us",
                "CPU us/req",
                "errors"));
        for (var e : byCase.entrySet()) {
            boolean first = true;
            for (var t : e.getValue().entrySet()) {
                List<Map<String, String>> rs = new ArrayList<>(t.getValue().values());
                long errors = 0;
                for (Map<String, String> r : rs) {
                    errors += num(r, "errors") + num(r, "non2xx");
                }
                out.append(String.format(
                        Locale.ROOT,
                        "%-18s %-8s %10.0f %6.0f%% %9.0f %9.0f %12.1f %7d%n",
                        first ? e.getKey() : "",
                        t.getKey(),
                        median(rs, r -> rps(r)),
                        spread(rs),
                        median(rs, r -> num(r, "p50us")),
                        median(rs, r -> num(r, "p99us")),
                        median(rs, r -> cpuPerRequest(r, tick)),
                        errors));
                first = false;
            }
        }
        out.append(String.format(Locale.ROOT, "%nRatios (median over rounds of each round's ratio)%n"));
        out.append(String.format(
                Locale.ROOT,
                "%-18s %14s %15s %14s %14s %16s%n",
                "case",
                "gw/nginx req/s",
                "gw/direct req/s",
                "added p50 us",
                "added p99 us",
                "CPU/req gw/nginx"));
        for (var e : byCase.entrySet()) {
            Map<String, Map<String, String>> gw = e.getValue().get("gateway");
            Map<String, Map<String, String>> ng = e.getValue().get("nginx");
            Map<String, Map<String, String>> di = e.getValue().get("direct");
            if (gw == null) {
                continue;
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %14s %15s %14s %14s %16s%n",
                    e.getKey(),
                    ratio(gw, ng, r -> rps(r), "%.2f"),
                    ratio(gw, di, r -> rps(r), "%.2f"),
                    diff(gw, di, r -> num(r, "p50us")),
                    diff(gw, di, r -> num(r, "p99us")),
                    ratio(gw, ng, r -> cpuPerRequest(r, tick), "%.2f")));
        }
        appendProbes(
                out,
                probes,
                "One connection, latencies as measured (SequentialProbe; wrk's c=1 figures above are"
                        + " corrected for coordinated omission)");
        if (!pausedProbes.isEmpty()) {
            appendProbes(
                    out,
                    pausedProbes,
                    "One connection, " + pausedProbes.get(0).get("pause_ms") + " ms between an"
                            + " answer and the next request (a lightly used gateway: the caches go cold in between)");
        }
        appendFloorRatios(out, byCase, tick);
        TracingCost.append(out, byCase, tick, facts);
        TranslationRatios.append(out, byCase, tick);
        MachineSplit.append(out, byCase, tick);
        out.append(String.format(
                Locale.ROOT,
                "%nGateway: start-up %s ms to the first answered request (it logs ready in %s ms);"
                        + " peak RSS %s MiB; heap after the runs: %s; JVM options: %s%n",
                facts.getOrDefault("startup_ms", "?"),
                facts.getOrDefault("ready_ms", "?"),
                facts.containsKey("gateway_vmhwm_kb")
                        ? String.valueOf(Long.parseLong(facts.get("gateway_vmhwm_kb")) / 1024)
                        : "?",
                facts.getOrDefault("gateway_heap", "?"),
                facts.getOrDefault("gateway_opts", "?")));
        PacedReport.append(out, paced);
        System.out.print(out);
    }

    /**
     * The latencies of one connection as measured (SequentialProbe: no coordinated-omission correction, unlike
     * wrk's), with the gateway's added p50 and p99 over the direct mock taken within each round.
     */
    private static void appendProbes(StringBuilder out, List<Map<String, String>> probes, String title) {
        if (probes.isEmpty()) {
            return;
        }
        // kind -> target -> round -> probe
        Map<String, Map<String, Map<String, Map<String, String>>>> byKind = new LinkedHashMap<>();
        for (Map<String, String> p : probes) {
            byKind.computeIfAbsent(p.get("kind"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(p.get("target"), k -> new LinkedHashMap<>())
                    .put(p.get("round"), p);
        }
        out.append(String.format(Locale.ROOT, "%n%s%n", title));
        out.append(String.format(
                Locale.ROOT,
                "%-6s %-8s %9s %9s %9s %9s %9s %12s %12s %9s%n",
                "kind",
                "target",
                "requests",
                "p50 us",
                "p99 us",
                "p99.9 us",
                "max us",
                "added p50",
                "added p99",
                "failures"));
        for (var k : byKind.entrySet()) {
            Map<String, Map<String, String>> direct = k.getValue().get("direct");
            boolean first = true;
            for (var t : k.getValue().entrySet()) {
                List<Map<String, String>> rs = new ArrayList<>(t.getValue().values());
                long failures = 0;
                for (Map<String, String> r : rs) {
                    failures += num(r, "failures");
                }
                boolean isDirect = t.getKey().equals("direct");
                out.append(String.format(
                        Locale.ROOT,
                        "%-6s %-8s %9.0f %9.0f %9.0f %9.0f %9.0f %12s %12s %9d%n",
                        first ? k.getKey() : "",
                        t.getKey(),
                        median(rs, r -> num(r, "requests")),
                        median(rs, r -> num(r, "p50us")),
                        median(rs, r -> num(r, "p99us")),
                        median(rs, r -> num(r, "p999us")),
                        median(rs, r -> num(r, "maxus")),
                        isDirect ? "-" : diff(t.getValue(), direct, r -> num(r, "p50us")),
                        isDirect ? "-" : diff(t.getValue(), direct, r -> num(r, "p99us")),
                        failures));
                first = false;
            }
        }
    }

    /**
     * The split of the gateway/nginx gap when the Netty reference proxy ran: what the platform costs (netty
     * against nginx) and what the gateway's own work costs (gateway against netty).
     */
    private static void appendFloorRatios(
            StringBuilder out, Map<String, Map<String, Map<String, Map<String, String>>>> byCase, double tick) {
        if (byCase.values().stream().noneMatch(c -> c.containsKey("netty") && c.containsKey("gateway"))) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%nAgainst the Netty reference proxy (same stack, no gateway work)%n"));
        out.append(String.format(
                Locale.ROOT,
                "%-18s %17s %14s %19s %17s%n",
                "case",
                "netty/nginx req/s",
                "gw/netty req/s",
                "CPU/req netty/nginx",
                "CPU/req gw/netty"));
        for (var e : byCase.entrySet()) {
            Map<String, Map<String, String>> gw = e.getValue().get("gateway");
            Map<String, Map<String, String>> nt = e.getValue().get("netty");
            Map<String, Map<String, String>> ng = e.getValue().get("nginx");
            if (gw == null || nt == null) {
                continue;
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %17s %14s %19s %17s%n",
                    e.getKey(),
                    ratio(nt, ng, r -> rps(r), "%.2f"),
                    ratio(gw, nt, r -> rps(r), "%.2f"),
                    ratio(nt, ng, r -> cpuPerRequest(r, tick), "%.2f"),
                    ratio(gw, nt, r -> cpuPerRequest(r, tick), "%.2f")));
        }
    }

    /** {@code key=value} pairs; a value may be double-quoted to hold spaces. */
    static Map<String, String> parse(String line) {
        Map<String, String> kv = new HashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            int keyStart = line.lastIndexOf(' ', eq) + 1;
            String key = line.substring(Math.max(keyStart, i), eq);
            int end;
            String value;
            if (eq + 1 < n && line.charAt(eq + 1) == '"') {
                end = line.indexOf('"', eq + 2);
                end = end < 0 ? n : end;
                value = line.substring(eq + 2, end);
                end++;
            } else {
                end = line.indexOf(' ', eq);
                end = end < 0 ? n : end;
                value = line.substring(eq + 1, end);
            }
            kv.put(key, value);
            i = end + 1;
        }
        return kv;
    }
}
