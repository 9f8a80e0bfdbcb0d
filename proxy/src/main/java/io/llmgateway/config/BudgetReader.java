package io.llmgateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a client key's or a provider's {@code budget: {usd: 50, period: month, unpriced: serve}}. */
final class BudgetReader {
    static final Map<String, BudgetPeriod> PERIODS =
            ConfigReader.byConfigName(BudgetPeriod.values(), BudgetPeriod::configName);
    private static final Map<String, Boolean> UNPRICED = unpriced();

    private BudgetReader() {}

    /** The budget; null when absent or written wrong (reported). */
    static Budget readBudget(ConfigNode node) {
        if (!SpendReader.isMapping(node, "{usd: 50, period: month}", ConfigKeys.BUDGET_OPTIONS)) {
            return null;
        }
        ConfigNode usd = node.get("usd");
        long nanos;
        if (usd.isAbsent()) {
            usd.problem("missing (expected: the most to spend per period, in USD, like 50)");
            nanos = SpendReader.BAD;
        } else {
            nanos = SpendReader.scaled(
                    usd, "an amount in USD, like 50 or 12.50", 9, Budget.MAX_USD * Budget.NANOS_PER_USD, true);
        }
        BudgetPeriod period = node.get("period").asChoice(PERIODS, BudgetPeriod.MONTH);
        boolean refuseUnpriced = node.get("unpriced").asChoice(UNPRICED, false);
        return nanos == SpendReader.BAD ? null : new Budget(nanos, period, refuseUnpriced);
    }

    private static Map<String, Boolean> unpriced() {
        Map<String, Boolean> map = new LinkedHashMap<>();
        map.put("serve", false);
        map.put("refuse", true);
        return map;
    }
}
