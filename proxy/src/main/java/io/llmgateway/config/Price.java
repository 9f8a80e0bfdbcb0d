package io.llmgateway.config;

import java.math.BigDecimal;

/**
 * What a model's tokens cost, from {@code pricing:}, a route's {@code price} or the built-in table.
 *
 * <p>Every field is in micro-dollars per million tokens, which is the same number as pico-dollars (10^-12 USD)
 * per token: {@code input: 2.50} (USD per 1M tokens) is 2,500,000. A price written with at most six decimals is
 * exact in this unit, so a request's cost is an exact integer product with no floating-point rounding.
 *
 * @param input per million input tokens
 * @param output per million output tokens, reasoning tokens included
 * @param cachedInput per million input tokens read from OpenAI's prompt cache, or {@link #NOT_SET}
 * @param cacheRead per million tokens read from Anthropic's prompt cache, or {@link #NOT_SET}
 * @param cacheWrite per million tokens written to Anthropic's prompt cache, or {@link #NOT_SET}
 */
public record Price(long input, long output, long cachedInput, long cacheRead, long cacheWrite) {
    /** The value of an optional price that is not written. */
    public static final long NOT_SET = -1;

    /** The highest price accepted: USD 100,000 per million tokens. */
    public static final long MAX = 100_000L * 1_000_000;

    public Price {
        require(input, "input", false);
        require(output, "output", false);
        require(cachedInput, "cachedInput", true);
        require(cacheRead, "cacheRead", true);
        require(cacheWrite, "cacheWrite", true);
    }

    /** Input and output prices only. */
    public static Price of(long input, long output) {
        return new Price(input, output, NOT_SET, NOT_SET, NOT_SET);
    }

    /** USD per million tokens as a config file writes it: 2500000 is {@code "2.5"}. */
    public static String usd(long microsPerMillion) {
        return BigDecimal.valueOf(microsPerMillion, 6).stripTrailingZeros().toPlainString();
    }

    private static void require(long value, String name, boolean optional) {
        if ((value < 0 && !(optional && value == NOT_SET)) || value > MAX) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: 0-" + MAX + (optional ? " or NOT_SET" : "") + ')');
        }
    }
}
