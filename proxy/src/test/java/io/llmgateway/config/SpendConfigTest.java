package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pricing}, a route's {@code price}, the {@code budget} of keys and providers, the spend options. */
class SpendConfigTest {
    private static final String PROVIDERS = """
            api_provider:
              openai:
                base_url: https://api.openai.com/v1
              groq:
                base_url: https://api.groq.com/openai/v1
            """;
    private static final String MODELS = """
            model_config:
              m:
                openai:
            """;

    private static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void parse_noSpendOptions_defaults() throws Exception {
        SpendSettings spend = parse(PROVIDERS + MODELS).spend();
        assertEquals(SpendSettings.DEFAULT, spend);
        assertEquals("spend.db", spend.spendFile());
        assertEquals(4096, spend.reserveOutputTokens());
        assertNull(parse(PROVIDERS + MODELS).models().get("m").routes().get(0).price());
    }

    @Test
    void parse_pricing_exactMicrosPerMillionInFileOrder() throws Exception {
        SpendSettings spend = parse(PROVIDERS + MODELS + """
                pricing:
                  gpt-4o-mini: {input: 0.15, output: 0.60, cached_input: 0.075}
                  claude-sonnet-4-5: {input: 3.00, output: 15.00, cache_read: 0.30, cache_write: 3.75}
                  free: {input: 0, output: "0"}
                  tiny: {input: 0.000001, output: 1e-6}
                """).spend();
        assertEquals(
                List.of("gpt-4o-mini", "claude-sonnet-4-5", "free", "tiny"),
                List.copyOf(spend.pricing().keySet()));
        assertEquals(
                new Price(150_000, 600_000, 75_000, Price.NOT_SET, Price.NOT_SET),
                spend.pricing().get("gpt-4o-mini"));
        assertEquals(
                new Price(3_000_000, 15_000_000, Price.NOT_SET, 300_000, 3_750_000),
                spend.pricing().get("claude-sonnet-4-5"));
        assertEquals(Price.of(0, 0), spend.pricing().get("free"));
        assertEquals(Price.of(1, 1), spend.pricing().get("tiny"));
        assertEquals("0.075", Price.usd(spend.pricing().get("gpt-4o-mini").cachedInput()));
        assertEquals("3", Price.usd(spend.pricing().get("claude-sonnet-4-5").input()));
    }

    @Test
    void parse_badPrices_eachNamedWithItsField() {
        assertEquals(
                List.of(
                        "pricing.gpt-4o.cache_writes: unknown option (expected one of: input, output, cached_input,"
                                + " cache_read, cache_write)",
                        "pricing.gpt-4o.input: -1 (expected: >= 0)",
                        "pricing.gpt-4o.output: expected USD per 1M tokens, like 2.50, got \"ten\"",
                        "pricing.gpt-4o.cache_read: 0.0000001 (expected: at most 6 decimal places)",
                        "pricing.a.output: missing (expected: USD per 1M tokens, like 2.50)",
                        "pricing.b: expected a mapping like {input: 2.50, output: 10.00} (USD per 1M tokens), got 5",
                        "pricing.c: missing (expected a mapping like {input: 2.50, output: 10.00}, in USD per 1M"
                                + " tokens)",
                        "pricing.d.input: 200000 (expected: at most 100000)"),
                problems(PROVIDERS + MODELS + """
                        pricing:
                          gpt-4o: {input: -1, output: ten, cache_read: 0.0000001, cache_writes: 1}
                          a: {input: 1}
                          b: 5
                          c:
                          d: {input: 200000, output: 1}
                        """));
    }

    @Test
    void parse_routePrice_onTheRoute() throws Exception {
        GatewayConfig config = parse(PROVIDERS + """
                model_config:
                  llama-3.3-70b:
                    groq: {alias: llama-3.3-70b-versatile, price: {input: 0.59, output: 0.79}}
                    openai:
                """);
        List<ModelRoute> routes = config.models().get("llama-3.3-70b").routes();
        assertEquals(Price.of(590_000, 790_000), routes.get(0).price());
        assertNull(routes.get(1).price());
    }

    @Test
    void parse_badRoutePrice_named() {
        assertEquals(
                List.of("model_config.m.openai.price.output: missing (expected: USD per 1M tokens, like 2.50)"),
                problems(PROVIDERS + """
                        model_config:
                          m:
                            openai: {price: {input: 1}}
                        """));
    }

    @Test
    void parse_budgets_onKeysAndProviders() throws Exception {
        GatewayConfig config = parse("""
                api_provider:
                  openai:
                    base_url: https://api.openai.com/v1
                    budget: {usd: 2000, period: month}
                  groq:
                    base_url: https://api.groq.com/openai/v1
                    budget: {usd: 0.5, period: day, unpriced: refuse}
                  other:
                    base_url: https://other.example.com/v1
                gateway:
                  api_keys:
                    - name: team-analytics
                      key: k1
                      budget: {usd: 50, period: week}
                    - name: no-budget
                      key: k2
                    - plain-key
                    - name: forever
                      key: k3
                      budget: {usd: 12.345678901}
                """ + MODELS);
        Map<String, Budget> providers = config.spend().providerBudgets();
        assertEquals(List.of("openai", "groq"), List.copyOf(providers.keySet()));
        assertEquals(new Budget(2000 * Budget.NANOS_PER_USD, BudgetPeriod.MONTH, false), providers.get("openai"));
        assertEquals(new Budget(500_000_000, BudgetPeriod.DAY, true), providers.get("groq"));
        List<AccessSettings.ClientKey> keys = config.access().apiKeys();
        assertEquals(
                new Budget(50 * Budget.NANOS_PER_USD, BudgetPeriod.WEEK, false),
                keys.get(0).budget());
        assertNull(keys.get(1).budget());
        assertNull(keys.get(2).budget());
        assertEquals(
                new Budget(12_345_678_901L, BudgetPeriod.MONTH, false),
                keys.get(3).budget());
    }

    @Test
    void parse_badBudgets_eachNamedWithItsField() {
        assertEquals(
                List.of(
                        "gateway.api_keys[0].budget: expected a mapping like {usd: 50, period: month}, got 50",
                        "gateway.api_keys[1].budget.eur: unknown option (expected one of: usd, period, unpriced)",
                        "gateway.api_keys[1].budget.usd: expected an amount in USD, like 50 or 12.50, got \"lots\"",
                        "api_provider.openai.budget.usd: 0 (expected: > 0)",
                        "api_provider.openai.budget.period: expected one of day, week, month, total, got \"year\"",
                        "api_provider.groq.budget.usd: missing (expected: the most to spend per period, in USD, like"
                                + " 50)",
                        "api_provider.groq.budget.unpriced: expected one of serve, refuse, got \"maybe\""),
                problems("""
                        api_provider:
                          openai:
                            base_url: https://api.openai.com/v1
                            budget: {usd: 0, period: year}
                          groq:
                            base_url: https://api.groq.com/openai/v1
                            budget: {unpriced: maybe}
                        gateway:
                          api_keys:
                            - name: a
                              key: k1
                              budget: 50
                            - name: b
                              key: k2
                              budget: {usd: lots, eur: 5}
                        """ + MODELS));
    }

    @Test
    void parse_spendOptions() throws Exception {
        SpendSettings spend = parse(PROVIDERS + MODELS + """
                gateway:
                  spend_file: /var/lib/llm-gateway/spend.db
                  spend_reserve_output_tokens: 1000
                """).spend();
        assertEquals("/var/lib/llm-gateway/spend.db", spend.spendFile());
        assertEquals(1000, spend.reserveOutputTokens());
        assertEquals(
                List.of(
                        "gateway.spend_file: expected a file path, got \"\"",
                        "gateway.spend_reserve_output_tokens: expected a positive integer up to 10000000, got 0"),
                problems(PROVIDERS + MODELS + """
                        gateway:
                          spend_file: ""
                          spend_reserve_output_tokens: 0
                        """));
    }

    @Test
    void parsePricing_builtInSyntax() throws Exception {
        assertEquals(
                Map.of("x", Price.of(1_000_000, 2_000_000)),
                ConfigLoader.parsePricing("pricing:\n  x: {input: 1, output: 2}\n"));
        assertEquals(
                List.of("other: unknown section (expected one of: pricing)"),
                assertThrows(ConfigException.class, () -> ConfigLoader.parsePricing("other: 1\n"))
                        .problems());
    }
}
