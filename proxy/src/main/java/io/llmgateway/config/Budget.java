package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

/**
 * A spending limit of a client key or a provider: {@code budget: {usd: 50, period: month, unpriced: serve}}.
 *
 * @param limitNanos the most that may be spent in one period, in nano-dollars (10^-9 USD)
 * @param period the calendar period the limit applies to (default {@link BudgetPeriod#MONTH})
 * @param refuseUnpriced whether requests to a model without a known price are refused ({@code unpriced:
 *                       refuse}) instead of served and counted as unpriced ({@code serve}, the default)
 */
public record Budget(long limitNanos, BudgetPeriod period, boolean refuseUnpriced) {
    public static final long NANOS_PER_USD = 1_000_000_000L;

    /** The largest budget accepted, in USD: sums of nano-dollars stay far from a long's limit. */
    public static final long MAX_USD = 1_000_000_000L;

    public Budget {
        requireNonNull(period, "period");
        if (limitNanos <= 0 || limitNanos > MAX_USD * NANOS_PER_USD) {
            throw new IllegalArgumentException(
                    "limitNanos: " + limitNanos + " (expected: 1-" + MAX_USD * NANOS_PER_USD + ')');
        }
    }
}
