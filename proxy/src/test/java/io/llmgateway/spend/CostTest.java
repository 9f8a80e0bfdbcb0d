package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Price;
import org.junit.jupiter.api.Test;

/** Costs against figures computed by hand from the list prices (USD per 1M tokens). */
class CostTest {
    /** gpt-4o-mini: input 0.15, cached input 0.075, output 0.60. */
    private static final Price GPT_4O_MINI = new Price(150_000, 600_000, 75_000, Price.NOT_SET, Price.NOT_SET);
    /** claude-sonnet-4-5: input 3.00, cache write 3.75, cache read 0.30, output 15.00. */
    private static final Price SONNET = new Price(3_000_000, 15_000_000, Price.NOT_SET, 300_000, 3_750_000);
    /** o3: input 2.00, cached input 0.50, output 8.00. */
    private static final Price O3 = new Price(2_000_000, 8_000_000, 500_000, Price.NOT_SET, Price.NOT_SET);

    @Test
    void of_openAiWithCachedTokens() {
        // prompt_tokens 10000 of which cached_tokens 4000, completion_tokens 500:
        // 6000 x 0.15 + 4000 x 0.075 + 500 x 0.60 = 900 + 300 + 300 = 1500 USD per 1M = USD 0.0015
        long nanos = Cost.of(GPT_4O_MINI, BilledTokens.openAi(10_000, 4_000, 500));
        assertEquals(1_500_000, nanos);
        assertEquals("0.0015", Cost.usd(nanos));
    }

    @Test
    void of_anthropicWithCacheReadAndWrite() {
        // input_tokens 100, cache_read_input_tokens 20000, cache_creation_input_tokens 1500, output_tokens 800:
        // 100 x 3 + 20000 x 0.30 + 1500 x 3.75 + 800 x 15 = 300 + 6000 + 5625 + 12000 = 23925 per 1M
        long nanos = Cost.of(SONNET, BilledTokens.anthropic(100, 20_000, 1_500, 800));
        assertEquals(23_925_000, nanos);
        assertEquals("0.023925", Cost.usd(nanos));
    }

    @Test
    void of_reasoningTokensAreOutput() {
        // completion_tokens 3000 include reasoning_tokens 2500: all 3000 at the output price.
        // 1200 x 2.00 + 3000 x 8.00 = 2400 + 24000 = 26400 per 1M = USD 0.0264
        assertEquals(26_400_000, Cost.of(O3, BilledTokens.openAi(1_200, 0, 3_000)));
    }

    @Test
    void of_openAiAllCached() {
        // 2048 prompt tokens, all cached, 0 output: 2048 x 0.50 = 1024 per 1M = 1.024e-3 USD
        assertEquals(1_024_000, Cost.of(O3, BilledTokens.openAi(2_048, 2_048, 0)));
    }

    @Test
    void of_fractionOfANanoDollar_roundsUpOncePerRequest() {
        Price onePicoPerToken = Price.of(1, 1); // USD 0.000001 per 1M tokens
        assertEquals(1, Cost.of(onePicoPerToken, BilledTokens.openAi(1, 0, 0)));
        assertEquals(2, Cost.of(onePicoPerToken, BilledTokens.openAi(1_001, 0, 0)));
        assertEquals(1, Cost.of(onePicoPerToken, BilledTokens.openAi(600, 0, 400)));
        assertEquals(0, Cost.of(onePicoPerToken, BilledTokens.NONE));
    }

    @Test
    void of_sumsAreExact() {
        long cost = Cost.of(GPT_4O_MINI, BilledTokens.openAi(10_000, 4_000, 500));
        long sum = 0;
        double doubleSum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            sum += cost;
            doubleSum += 0.0015;
        }
        assertEquals(1_500 * Cost.NANOS_PER_USD, sum); // USD 1500 exactly
        assertTrue(doubleSum != 1500.0, "doubles drift: " + doubleSum);
    }

    @Test
    void of_unwrittenCachePrices_fallBack() {
        Price plain = Price.of(2_000_000, 8_000_000); // input and output only
        // cached input at the input price: 1000 x 2 + 0 = 2000 per 1M
        assertEquals(2_000_000, Cost.of(plain, BilledTokens.openAi(1_000, 600, 0)));
        // cache reads and writes at the input price: (10 + 300 + 90) x 2 = 800 per 1M
        assertEquals(800_000, Cost.of(plain, BilledTokens.anthropic(10, 300, 90, 0)));
        // a cache_read price serves OpenAI's cached input too, and a cached_input price Anthropic's reads
        Price readOnly = new Price(2_000_000, 8_000_000, Price.NOT_SET, 200_000, Price.NOT_SET);
        assertEquals(400 * 2_000 + 600 * 200, Cost.of(readOnly, BilledTokens.openAi(1_000, 600, 0)));
        Price cachedOnly = new Price(2_000_000, 8_000_000, 500_000, Price.NOT_SET, Price.NOT_SET);
        assertEquals(300 * 500, Cost.of(cachedOnly, BilledTokens.anthropic(0, 300, 0, 0)));
    }

    @Test
    void worstCase_promptAtTheDearestInputPriceAndMaxOutput() {
        // 1000 prompt tokens at the cache-write price 3.75 (a prompt may be written to the cache) + 500 x 15
        // = 3750 + 7500 = 11250 per 1M = USD 0.01125
        assertEquals(11_250_000, Cost.worstCase(SONNET, 1_000, 500));
        // 1000 x 0.15 + 4096 x 0.60 = 150 + 2457.6 = 2607.6 per 1M
        assertEquals(2_607_600, Cost.worstCase(GPT_4O_MINI, 1_000, 4_096));
    }

    @Test
    void reservation_clientsMaxTokens_elseTheConfiguredCap() {
        assertEquals(Cost.worstCase(GPT_4O_MINI, 1_000, 200), Cost.reservation(GPT_4O_MINI, 1_000, 200, 4_096));
        assertEquals(2_607_600, Cost.reservation(GPT_4O_MINI, 1_000, -1, 4_096));
    }

    @Test
    void worstCase_coversEveryShapeOfTheSameTokens() {
        for (Price p : new Price[] {GPT_4O_MINI, SONNET, O3}) {
            long worst = Cost.worstCase(p, 1_000, 200);
            assertTrue(Cost.of(p, BilledTokens.openAi(1_000, 700, 200)) <= worst);
            assertTrue(Cost.of(p, BilledTokens.anthropic(100, 400, 500, 200)) <= worst);
        }
    }

    @Test
    void saturates_insteadOfOverflowing() {
        Price dearest = Price.of(Price.MAX, Price.MAX);
        long huge = Long.MAX_VALUE / 2;
        assertEquals(Long.MAX_VALUE / 1000 + 1, Cost.of(dearest, BilledTokens.openAi(huge, 0, huge)));
        assertEquals(Long.MAX_VALUE / 1000 + 1, Cost.worstCase(dearest, huge, huge));
        assertThrows(IllegalArgumentException.class, () -> Cost.worstCase(SONNET, -1, 0));
    }

    @Test
    void billedTokens_providerMistakesClamped_constructorStrict() {
        assertEquals(new BilledTokens(5, 5, 0, 0, 0), BilledTokens.openAi(5, 9, -3));
        assertEquals(new BilledTokens(0, 0, 0, 7, 0), BilledTokens.anthropic(-1, 0, 7, 0));
        assertEquals(107, BilledTokens.anthropic(100, 3, 4, 9).promptTokens());
        assertThrows(IllegalArgumentException.class, () -> new BilledTokens(1, 2, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BilledTokens(0, 0, -1, 0, 0));
    }

    @Test
    void usd_trimsZeros() {
        assertEquals("0", Cost.usd(0));
        assertEquals("50", Cost.usd(50 * Cost.NANOS_PER_USD));
        assertEquals("0.000000001", Cost.usd(1));
    }
}
