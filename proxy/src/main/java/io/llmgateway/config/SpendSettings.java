package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What requests cost and where spend is kept: the {@code pricing} section, the providers' {@code budget}, and
 * {@code gateway.spend_file} and {@code gateway.spend_reserve_output_tokens}. A client key's budget is on its
 * {@link AccessSettings.ClientKey}, a route's price on its {@link ModelRoute}.
 *
 * @param pricing prices by the provider's model name (a route's alias), in file order
 * @param providerBudgets budgets by {@code api_provider} name; a provider without one has none
 * @param spendFile the SQLite file spend is kept in, relative to the working directory (default
 *                  {@code spend.db})
 * @param reserveOutputTokens output tokens a budget reserves for a request that sets no {@code max_tokens}
 *                            (default 4096)
 */
public record SpendSettings(
        Map<String, Price> pricing, Map<String, Budget> providerBudgets, String spendFile, int reserveOutputTokens) {
    public static final String DEFAULT_SPEND_FILE = "spend.db";
    public static final int DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;

    public static final SpendSettings DEFAULT =
            new SpendSettings(Map.of(), Map.of(), DEFAULT_SPEND_FILE, DEFAULT_RESERVE_OUTPUT_TOKENS);

    public SpendSettings {
        pricing = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(pricing, "pricing")));
        providerBudgets =
                Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(providerBudgets, "providerBudgets")));
        requireNonNull(spendFile, "spendFile");
        if (spendFile.isEmpty()) {
            throw new IllegalArgumentException("spendFile: \"\" (expected: a path)");
        }
        if (reserveOutputTokens < 1) {
            throw new IllegalArgumentException("reserveOutputTokens: " + reserveOutputTokens + " (expected: >= 1)");
        }
    }
}
