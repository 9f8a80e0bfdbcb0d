package io.llmgateway.config;

import static io.llmgateway.config.ConfigReader.OPTION;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what requests cost ({@code pricing}, a route's {@code price}) and where spend is kept
 * ({@code gateway.spend_file}, {@code gateway.spend_reserve_output_tokens}). Budgets: {@link BudgetReader}.
 */
final class SpendReader {
    /** What {@link #scaled} answers for a value that is written wrong (reported). */
    static final long BAD = -2;

    private static final String USD_PER_MILLION = "USD per 1M tokens, like 2.50";

    private SpendReader() {}

    static SpendSettings readSpend(ConfigNode root) {
        SpendSettings d = SpendSettings.DEFAULT;
        ConfigNode gateway = root.get(ConfigKeys.GATEWAY);
        return new SpendSettings(
                readPricing(root.get(ConfigKeys.PRICING)),
                ProviderReader.readBudgets(root.get(ConfigKeys.API_PROVIDER)),
                gateway.get("spend_file").asNonEmptyString("a file path", d.spendFile()),
                gateway.get("spend_reserve_output_tokens")
                        .asInt(1, 10_000_000, "a positive integer up to 10000000", d.reserveOutputTokens()));
    }

    /** The {@code pricing} section: a price per provider model name. */
    static Map<String, Price> readPricing(ConfigNode section) {
        Map<String, Price> prices = new LinkedHashMap<>();
        section.entries().forEach((model, node) -> {
            Price price = readPrice(node);
            if (price != null) {
                prices.put(model, price);
            } else if (node.isAbsent()) {
                node.problem("missing (expected a mapping like {input: 2.50, output: 10.00}, in USD per 1M tokens)");
            }
        });
        return prices;
    }

    /** A price mapping ({@code {input: 2.50, output: 10.00, ...}}); null when absent or wrong (reported). */
    static Price readPrice(ConfigNode node) {
        if (!isMapping(node, "{input: 2.50, output: 10.00} (USD per 1M tokens)", ConfigKeys.PRICE_OPTIONS)) {
            return null;
        }
        long input = usdPerMillion(node.get("input"), true);
        long output = usdPerMillion(node.get("output"), true);
        long cachedInput = usdPerMillion(node.get("cached_input"), false);
        long cacheRead = usdPerMillion(node.get("cache_read"), false);
        long cacheWrite = usdPerMillion(node.get("cache_write"), false);
        if (input == BAD || output == BAD || cachedInput == BAD || cacheRead == BAD || cacheWrite == BAD) {
            return null;
        }
        return new Price(input, output, cachedInput, cacheRead, cacheWrite);
    }

    /**
     * Whether {@code node} is a mapping to read: false when absent, or when not a mapping (reported, with
     * {@code example}); reports its options that are not in {@code options}.
     */
    static boolean isMapping(ConfigNode node, String example, List<String> options) {
        if (node.isAbsent()) {
            return false;
        }
        if (!node.isMapping()) {
            node.expected("a mapping like " + example);
            return false;
        }
        node.rejectUnknownKeys(options, OPTION);
        return true;
    }

    /** USD per million tokens in micro-dollars per million tokens; {@link Price#NOT_SET} when optional and absent. */
    private static long usdPerMillion(ConfigNode node, boolean required) {
        if (node.isAbsent()) {
            if (required) {
                node.problem("missing (expected: " + USD_PER_MILLION + ")");
                return BAD;
            }
            return Price.NOT_SET;
        }
        return scaled(node, USD_PER_MILLION, 6, Price.MAX, false);
    }

    /**
     * A decimal number of USD times 10^{@code decimals}, exactly: {@code 2.5} with 6 decimals is 2500000.
     * {@link #BAD} (reported) when it is not a number, negative (or zero when {@code positive}), has more
     * decimals, or exceeds {@code max}.
     */
    static long scaled(ConfigNode node, String what, int decimals, long max, boolean positive) {
        String text = node.asString(null);
        if (text == null) {
            return BAD; // not a scalar, or a ${VAR} that failed: reported
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            node.expected(what);
            return BAD;
        }
        if (positive ? value.signum() <= 0 : value.signum() < 0) {
            node.problem(node.written() + (positive ? " (expected: > 0)" : " (expected: >= 0)"));
            return BAD;
        }
        BigDecimal units = value.movePointRight(decimals);
        if (units.compareTo(BigDecimal.valueOf(max)) > 0) {
            node.problem(node.written() + " (expected: at most "
                    + BigDecimal.valueOf(max, decimals).stripTrailingZeros().toPlainString() + ")");
            return BAD;
        }
        if (units.stripTrailingZeros().scale() > 0) {
            node.problem(node.written() + " (expected: at most " + decimals + " decimal places)");
            return BAD;
        }
        return units.longValueExact();
    }
}
