package io.llmgateway.bench.load;

import static io.llmgateway.bench.load.RunStats.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paced-SSE table of the load report ({@link PacedProbe}'s lines): each target's time to first token and
 * inter-chunk gaps, what the gateway adds to the mock reached directly, and what the translation adds (an
 * Anthropic client's stream from the same OpenAI-format mock) to the same gateway's OpenAI pass-through.
 */
final class PacedReport {
    private static final String ROW = "%-8s %8s %9s %12s %12s %11s %11s %11s %12s%n";

    private PacedReport() {}

    static void append(StringBuilder out, List<Map<String, String>> paced) {
        Map<String, String> direct = find(paced, "direct");
        Map<String, String> gateway = find(paced, "gateway");
        Map<String, String> messages = find(paced, "messages");
        if (direct == null || gateway == null) {
            return;
        }
        out.append(String.format(
                Locale.ROOT, "%nPaced SSE (events 20 ms apart unless PACED_INTERVAL_MS says otherwise)%n"));
        out.append(String.format(
                Locale.ROOT,
                ROW,
                "target",
                "streams",
                "failures",
                "TTFT p50 us",
                "TTFT p99 us",
                "gap p50 us",
                "gap p99 us",
                "gap max us",
                "gap mean us"));
        List<Map<String, String>> rows = new ArrayList<>(List.of(direct, gateway));
        if (messages != null) {
            rows.add(messages);
        }
        for (Map<String, String> p : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    ROW,
                    p.get("target"),
                    p.get("streams"),
                    p.get("failures"),
                    p.get("ttft_p50us"),
                    p.get("ttft_p99us"),
                    p.get("gap_p50us"),
                    p.get("gap_p99us"),
                    p.get("gap_maxus"),
                    p.get("gap_meanus")));
        }
        added(out, "added by the gateway", gateway, direct);
        if (messages != null) {
            added(out, "added by the translation (messages against the gateway's pass-through)", messages, gateway);
        }
    }

    private static void added(StringBuilder out, String what, Map<String, String> to, Map<String, String> from) {
        out.append(String.format(
                Locale.ROOT,
                "%s: TTFT p50 %+d us, p99 %+d us; inter-chunk gap p50 %+d us, p99 %+d us, mean %+d us%n",
                what,
                num(to, "ttft_p50us") - num(from, "ttft_p50us"),
                num(to, "ttft_p99us") - num(from, "ttft_p99us"),
                num(to, "gap_p50us") - num(from, "gap_p50us"),
                num(to, "gap_p99us") - num(from, "gap_p99us"),
                num(to, "gap_meanus") - num(from, "gap_meanus")));
    }

    private static Map<String, String> find(List<Map<String, String>> paced, String target) {
        for (Map<String, String> p : paced) {
            if (target.equals(p.get("target"))) {
                return p;
            }
        }
        return null;
    }
}
