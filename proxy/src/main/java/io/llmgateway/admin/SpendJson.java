package io.llmgateway.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.admin.SpendFigures.Range;
import io.llmgateway.config.AccessSettings;
import io.llmgateway.config.Budget;
import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.spend.BudgetView;
import io.llmgateway.spend.Cost;
import io.llmgateway.spend.SpendStore;
import io.llmgateway.spend.SpendTotals;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code spend} object of {@code /api/usage}: per client key, provider and model what was spent today, in
 * this period (of the row's budget; the calendar month without one) and in total, with request and unpriced
 * counts; the top spending keys of the month; every budget with what is spent and left of it. Money is a decimal string of USD ({@link Cost#usd}). Key names
 * only, never a key.
 */
final class SpendJson {
    /** How many keys the top spenders list at most. */
    static final int TOP = 10;

    private SpendJson() {}

    static void write(JsonGenerator g, GatewayConfig config, SpendFigures figures, List<BudgetView> budgets)
            throws IOException {
        g.writeStringField("time_zone", config.routing().timeZone().getId());
        g.writeStringField("today", figures.today().toString());
        Map<String, BudgetPeriod> keyPeriods = new LinkedHashMap<>();
        for (AccessSettings.ClientKey key : config.access().apiKeys()) {
            keyPeriods.put(key.name(), periodOf(key.budget()));
        }
        Map<String, BudgetPeriod> providerPeriods = new LinkedHashMap<>();
        for (String provider : config.providers().keySet()) {
            providerPeriods.put(
                    provider, periodOf(config.spend().providerBudgets().get(provider)));
        }
        Map<String, BudgetPeriod> modelPeriods = new LinkedHashMap<>();
        for (String model : config.models().keySet()) {
            modelPeriods.put(model, BudgetPeriod.MONTH);
        }
        rows(g, "keys", SpendStore.By.KEY, keyPeriods, figures);
        rows(g, "providers", SpendStore.By.PROVIDER, providerPeriods, figures);
        rows(g, "models", SpendStore.By.MODEL, modelPeriods, figures);
        g.writeArrayFieldStart("top_keys");
        for (Map.Entry<String, Long> e : top(figures)) {
            g.writeStartObject();
            g.writeStringField("name", e.getKey());
            g.writeStringField("usd", Cost.usd(e.getValue()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("budgets");
        for (BudgetView b : budgets) {
            budget(g, b);
        }
        g.writeEndArray();
    }

    /** A budget and where it stands: spent this period (running requests' reservations included) and left. */
    private static void budget(JsonGenerator g, BudgetView b) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", b.kind().jsonName());
        g.writeStringField("name", b.name());
        g.writeStringField("usd", Cost.usd(b.limitNanos()));
        g.writeStringField("period", b.period().configName());
        g.writeStringField("unpriced", b.refuseUnpriced() ? "refuse" : "serve");
        g.writeStringField("spent", Cost.usd(b.spentNanos()));
        g.writeStringField("remaining", Cost.usd(b.remainingNanos()));
        Json.field(
                g,
                "resets_at",
                b.resetsAtMillis() == Long.MAX_VALUE
                        ? null
                        : Instant.ofEpochMilli(b.resetsAtMillis()).toString());
        g.writeEndObject();
    }

    private static BudgetPeriod periodOf(Budget budget) {
        return budget == null ? BudgetPeriod.MONTH : budget.period();
    }

    /** The configured names in config order, then the others the file has spend of (a removed key, say). */
    private static void rows(
            JsonGenerator g, String field, SpendStore.By by, Map<String, BudgetPeriod> configured, SpendFigures figures)
            throws IOException {
        Set<String> names = new LinkedHashSet<>(configured.keySet());
        names.addAll(figures.names(by));
        names.remove(""); // spend of a gateway without client keys: no key to show it under
        g.writeObjectFieldStart(field);
        for (String name : names) {
            BudgetPeriod period = configured.getOrDefault(name, BudgetPeriod.MONTH);
            g.writeObjectFieldStart(name);
            g.writeStringField("period", period.configName());
            window(g, "today", figures.get(by, Range.TODAY, name));
            window(g, "this_period", figures.get(by, Range.of(period), name));
            window(g, "total", figures.get(by, Range.TOTAL, name));
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void window(JsonGenerator g, String field, SpendTotals t) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("usd", Cost.usd(t.costNanos()));
        g.writeNumberField("requests", t.requests());
        g.writeNumberField("unpriced", t.unpriced());
        g.writeEndObject();
    }

    /** The keys that spent the most this month, most first (names break ties), at most {@link #TOP}. */
    private static List<Map.Entry<String, Long>> top(SpendFigures figures) {
        List<Map.Entry<String, Long>> spent = new ArrayList<>();
        for (String name : figures.names(SpendStore.By.KEY)) {
            long nanos = figures.get(SpendStore.By.KEY, Range.MONTH, name).costNanos();
            if (!name.isEmpty() && nanos > 0) {
                spent.add(Map.entry(name, nanos));
            }
        }
        spent.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        return spent.subList(0, Math.min(TOP, spent.size()));
    }
}
