package io.llmgateway.limit;

/**
 * An exact, lock-free admission counter over some time window. Amounts are requests or tokens.
 *
 * <p>{@link #tryAcquire(long)} returns a ticket that names where the amount was recorded, so that a
 * later {@link #adjust(long, long)} corrects that same record while it still counts, and does nothing
 * once it has left the window (correcting a newer record would shift usage in time).
 */
public sealed interface RateCounter permits SlidingWindowCounter, DailyCounter {

    /** Returned by {@link #tryAcquire(long)} when admitting the amount would exceed the limit. */
    long REJECTED = -1;

    /**
     * Records {@code amount} if the window can still hold it.
     *
     * @return a ticket ({@code >= 0}) for {@link #adjust(long, long)}, or {@link #REJECTED}
     */
    default long tryAcquire(long amount) {
        return tryAcquire(amount, clockMillis());
    }

    /**
     * {@link #tryAcquire(long)} at {@code nowMillis}, read from this counter's clock by a caller that asks
     * several counters at once (a clock read costs as much as the rest of an admission).
     */
    long tryAcquire(long amount, long nowMillis);

    /** Records {@code amount} whatever the limit says (usage that already happened); returns its ticket. */
    long record(long amount);

    /** Adds {@code delta} (negative to release) to the record named by {@code ticket} if it still counts. */
    void adjust(long ticket, long delta);

    /** The amount that counts against the limit now. */
    default long current() {
        return current(clockMillis());
    }

    /** {@link #current()} at {@code nowMillis}, read from this counter's clock. */
    long current(long nowMillis);

    /** The limit; {@code Long.MAX_VALUE} means unlimited. */
    long limit();

    /** Replaces the limit; the amounts already recorded stay and count against the new limit. */
    void limit(long newLimit);

    /**
     * Milliseconds until {@code amount} could be admitted (0 if it could now), or {@code Long.MAX_VALUE} if
     * it never can because it exceeds the limit itself.
     */
    default long millisUntilAvailable(long amount) {
        return millisUntilAvailable(amount, clockMillis());
    }

    /** {@link #millisUntilAvailable(long)} at {@code nowMillis}, read from this counter's clock. */
    long millisUntilAvailable(long amount, long nowMillis);

    /**
     * Milliseconds until everything counted now has left the window (0 if nothing is counted): what
     * {@code millisUntilAvailable(limit())} answers, for the {@code x-ratelimit-reset-*} headers.
     */
    default long millisUntilEmpty() {
        return millisUntilEmpty(clockMillis());
    }

    /** {@link #millisUntilEmpty()} at {@code nowMillis}, read from this counter's clock. */
    default long millisUntilEmpty(long nowMillis) {
        long millis = millisUntilAvailable(limit(), nowMillis);
        return millis == Long.MAX_VALUE ? 0 : millis;
    }

    /** The time on this counter's clock: what the methods without {@code nowMillis} read. */
    long clockMillis();

    /** Forgets everything recorded. */
    void reset();

    static long requireLimit(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        return limit;
    }

    static long requireAmount(long amount, long max) {
        if (amount < 0 || amount > max) {
            throw new IllegalArgumentException("amount: " + amount + " (expected: 0-" + max + ')');
        }
        return amount;
    }
}
