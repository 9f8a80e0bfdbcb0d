package io.llmgateway.bench.load;

import java.util.Locale;
import java.util.Map;

/**
 * The translated path against the pass-through of the same gateway: each {@code messages} case (an Anthropic
 * client's request translated to the OpenAI-format mock) divided by the matching OpenAI case ({@code messages}
 * by {@code json}, {@code messages-sse} by {@code sse}) within each round, the median of those taken.
 */
final class TranslationRatios {
    private TranslationRatios() {}

    static void append(
            StringBuilder out, Map<String, Map<String, Map<String, Map<String, String>>>> byCase, double tick) {
        boolean header = false;
        for (var e : byCase.entrySet()) {
            String c = e.getKey();
            if (!c.startsWith("messages")) {
                continue;
            }
            String passThrough = (c.startsWith("messages-sse") ? "sse" : "json") + c.substring(c.indexOf(' '));
            Map<String, Map<String, String>> translated = e.getValue().get("gateway");
            Map<String, Map<String, Map<String, String>>> other = byCase.get(passThrough);
            if (translated == null || other == null || other.get("gateway") == null) {
                continue;
            }
            if (!header) {
                out.append(String.format(
                        Locale.ROOT,
                        "%nTranslated (Anthropic client -> OpenAI provider) against pass-through, same gateway%n"));
                out.append(String.format(
                        Locale.ROOT, "%-18s %-11s %12s %14s%n", "case", "against", "req/s ratio", "CPU/req ratio"));
                header = true;
            }
            Map<String, Map<String, String>> base = other.get("gateway");
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %-11s %12s %14s%n",
                    c,
                    passThrough,
                    RunStats.ratio(translated, base, RunStats::rps, "%.2f"),
                    RunStats.ratio(translated, base, r -> RunStats.cpuPerRequest(r, tick), "%.2f")));
        }
    }
}
