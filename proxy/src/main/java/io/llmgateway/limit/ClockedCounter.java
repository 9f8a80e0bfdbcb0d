package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * What every {@link RateCounter} keeps besides its counts: its clock and its limit. The limit is volatile
 * because an admin change replaces it while requests read it.
 */
abstract class ClockedCounter {

    final Clock clock;
    volatile long limit;

    /** {@code high} above {@code count}, which takes the low {@code countBits} bits: one value for one CAS. */
    static long pack(long high, long count, int countBits) {
        return (high << countBits) | count;
    }

    /** The {@code high} of {@link #pack}. */
    static long highOf(long packed, int countBits) {
        return packed >>> countBits;
    }

    /** The {@code count} of {@link #pack}. */
    static long countOf(long packed, int countBits) {
        return packed & ((1L << countBits) - 1);
    }

    ClockedCounter(long limit, Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.limit = RateCounter.requireLimit(limit);
    }

    /** See {@link RateCounter#limit()}. */
    public final long limit() {
        return limit;
    }

    /** See {@link RateCounter#limit(long)}. */
    public final void limit(long newLimit) {
        limit = RateCounter.requireLimit(newLimit);
    }

    /** See {@link RateCounter#clockMillis()}. */
    public final long clockMillis() {
        return clock.millis();
    }
}
