package io.llmgateway.admin;

import static io.llmgateway.admin.ConfigEdits.API_PROVIDER;

import io.llmgateway.admin.ConfigEdits.BadEdit;
import io.llmgateway.config.ConfigDocument;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin API's change of a client key's or a provider's {@code budget}:
 * {@code set_budget {kind: key|provider, name, budget: {usd?, period?, unpriced?} | null}}. Like every edit, an
 * absent option is left as is and {@code null} removes it ({@code budget: null} removes the budget); whether the
 * values make a valid budget is for the config loader to say, naming the field.
 */
final class BudgetEdits {
    static final String GATEWAY = "gateway";
    static final String API_KEYS = "api_keys";
    static final List<String> OPTIONS = List.of("usd", "period", "unpriced");

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,12}(\\.[0-9]{1,9})?");

    private BudgetEdits() {}

    static void apply(ConfigChange change, ConfigDocument doc) throws BadEdit {
        String[] base = budgetPath(change, doc);
        Map<?, ?> fields = change.fields();
        if (!fields.containsKey("budget")) {
            throw change.bad("budget: required (an object like {\"usd\": 50, \"period\": \"month\"}, or null)");
        }
        Object v = fields.get("budget");
        if (v == null) {
            doc.remove(base);
            return;
        }
        if (!(v instanceof Map<?, ?> budget)) {
            throw change.bad("budget: expected an object like {\"usd\": 50, \"period\": \"month\"}, or null");
        }
        for (Object option : budget.keySet()) {
            if (!OPTIONS.contains(option)) {
                throw change.bad(
                        "budget." + option + ": unknown option (expected one of: " + String.join(", ", OPTIONS) + ")");
            }
        }
        doc.putMapping(base);
        if (budget.containsKey("usd")) {
            putUsd(change, doc, budget.get("usd"), ConfigChange.path(base, "usd"));
        }
        for (String option : List.of("period", "unpriced")) {
            if (budget.containsKey(option)) {
                Object value = budget.get(option);
                String[] path = ConfigChange.path(base, option);
                if (value == null || "".equals(value)) {
                    doc.remove(path);
                } else if (value instanceof String s) {
                    doc.putString(change.literal(s.strip(), path), path); // the loader names a wrong value
                } else {
                    throw change.bad("budget." + option + ": expected a string or null");
                }
            }
        }
    }

    /** A number is written as one; other text as written, for the loader to judge. */
    private static void putUsd(ConfigChange change, ConfigDocument doc, Object v, String... path) throws BadEdit {
        if (v == null || v instanceof String s && s.isBlank()) {
            doc.remove(path);
        } else if (v instanceof Long n) {
            doc.putNumber(n, path);
        } else if (v instanceof Double d && Double.isFinite(d)) {
            doc.putDecimal(BigDecimal.valueOf(d), path);
        } else if (v instanceof String s && DECIMAL.matcher(s.strip()).matches()) {
            doc.putDecimal(new BigDecimal(s.strip()), path);
        } else if (v instanceof String s) {
            doc.putString(change.literal(s.strip(), path), path);
        } else {
            throw change.bad("budget.usd: expected an amount in USD or null");
        }
    }

    /** Where the budget is written: under the provider, or under the client key's item of the list. */
    private static String[] budgetPath(ConfigChange change, ConfigDocument doc) throws BadEdit {
        Object kind = change.fields().get("kind");
        String name = change.name("name");
        if ("provider".equals(kind)) {
            if (!doc.has(API_PROVIDER, name)) {
                throw change.bad("no provider \"" + name + '"');
            }
            return new String[] {API_PROVIDER, name, "budget"};
        }
        if (!"key".equals(kind)) {
            throw change.bad("kind: expected \"key\" or \"provider\"");
        }
        int index = keyIndex(doc, name);
        if (index < 0) {
            throw change.bad("no client key \"" + name + '"');
        }
        return new String[] {GATEWAY, API_KEYS, Integer.toString(index), "budget"};
    }

    /** The index of the client key named {@code name} in {@code gateway.api_keys}, or -1. */
    static int keyIndex(ConfigDocument doc, String name) {
        List<String> items = doc.sequence(GATEWAY, API_KEYS);
        for (int i = 0; items != null && i < items.size(); i++) {
            if (name.equals(doc.scalar(GATEWAY, API_KEYS, Integer.toString(i), "name"))) {
                return i;
            }
        }
        return -1;
    }
}
