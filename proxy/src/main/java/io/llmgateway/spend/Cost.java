package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Price;
import java.math.BigDecimal;

/**
 * The arithmetic of money. Every amount of spend, every budget and every sum is a {@code long} of
 * nano-dollars (10^-9 USD; a long holds USD 9.2 billion). Prices are pico-dollars per token ({@link Price}),
 * so a cost is an exact integer product, rounded up once per request to a whole nano-dollar; sums of costs
 * are then exact and never drift the way sums of doubles do.
 *
 * <p>A price not written falls back to one that is: cached input and cache reads (the same thing, named by
 * OpenAI and by Anthropic) to each other and then to the input price; cache writes to the input price.
 * Arithmetic saturates instead of overflowing, so an absurd token count costs "more than any budget".
 */
public final class Cost {
    public static final long NANOS_PER_USD = 1_000_000_000L;

    private static final long PICOS_PER_NANO = 1000;

    private Cost() {}

    /** What {@code tokens} cost at {@code price}, in nano-dollars, rounded up. */
    public static long of(Price price, BilledTokens tokens) {
        requireNonNull(price, "price");
        requireNonNull(tokens, "tokens");
        long picos = mul(tokens.input() - tokens.cachedInput(), price.input());
        picos = add(picos, mul(tokens.cachedInput(), cachedInputPrice(price)));
        picos = add(picos, mul(tokens.cacheRead(), cacheReadPrice(price)));
        picos = add(picos, mul(tokens.cacheWrite(), cacheWritePrice(price)));
        picos = add(picos, mul(tokens.output(), price.output()));
        return toNanos(picos);
    }

    /**
     * The most a request can cost, which a budget reserves before the call: every prompt token at the
     * dearest input-side price (a prompt may be written to the cache, which costs more than input) and
     * {@code maxOutputTokens} at the output price. In nano-dollars, rounded up.
     */
    public static long worstCase(Price price, long promptTokens, long maxOutputTokens) {
        requireNonNull(price, "price");
        if (promptTokens < 0 || maxOutputTokens < 0) {
            throw new IllegalArgumentException(
                    "promptTokens: " + promptTokens + ", maxOutputTokens: " + maxOutputTokens + " (expected: >= 0)");
        }
        long promptPrice = Math.max(
                Math.max(price.input(), cachedInputPrice(price)),
                Math.max(cacheReadPrice(price), cacheWritePrice(price)));
        return toNanos(add(mul(promptTokens, promptPrice), mul(maxOutputTokens, price.output())));
    }

    /**
     * What a budget reserves for a request: {@link #worstCase} with the client's {@code max_tokens}, or
     * {@code reserveOutputTokens} ({@code gateway.spend_reserve_output_tokens}) when it set none.
     *
     * @param clientMaxTokens the request's completion limit, or -1 when none is set
     *                        ({@link io.llmgateway.tokens.TokenInputs#maxTokens()})
     */
    public static long reservation(Price price, long promptTokens, long clientMaxTokens, int reserveOutputTokens) {
        return worstCase(price, promptTokens, clientMaxTokens >= 0 ? clientMaxTokens : reserveOutputTokens);
    }

    /** Nano-dollars as USD for logs and JSON, without trailing zeros: 1250000 is {@code "0.00125"}. */
    public static String usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    static long cachedInputPrice(Price p) {
        return p.cachedInput() != Price.NOT_SET
                ? p.cachedInput()
                : p.cacheRead() != Price.NOT_SET ? p.cacheRead() : p.input();
    }

    static long cacheReadPrice(Price p) {
        return p.cacheRead() != Price.NOT_SET
                ? p.cacheRead()
                : p.cachedInput() != Price.NOT_SET ? p.cachedInput() : p.input();
    }

    static long cacheWritePrice(Price p) {
        return p.cacheWrite() != Price.NOT_SET ? p.cacheWrite() : p.input();
    }

    private static long toNanos(long picos) {
        return picos / PICOS_PER_NANO + (picos % PICOS_PER_NANO == 0 ? 0 : 1);
    }

    /** {@code a * b} for non-negative operands, {@code Long.MAX_VALUE} when it overflows. */
    private static long mul(long a, long b) {
        long product = a * b;
        return Math.multiplyHigh(a, b) != 0 || product < 0 ? Long.MAX_VALUE : product;
    }

    /** {@code a + b} for non-negative operands, {@code Long.MAX_VALUE} when it overflows. */
    static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
