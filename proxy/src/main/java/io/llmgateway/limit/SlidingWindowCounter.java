package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A sliding-window counter (e.g. requests or tokens per minute) that admits exactly up to its limit
 * under any concurrency, without locks and without allocating.
 *
 * <p>Design notes. The window is a ring of buckets; each slot of an {@link AtomicLongArray} packs the
 * bucket's epoch (high 32 bits) and its count (low 32 bits), so a whole bucket is read, replaced or
 * corrected by one CAS and a stale bucket can never be mistaken for a live one (Sentinel's
 * {@code LeapArray} resets a bucket in several steps and loses or double-counts under contention).
 *
 * <p>Admission does not sum buckets: {@code used} holds the sum of every live bucket plus amounts that
 * are reserved but not yet placed, and admission is a CAS loop on it ({@code used + n <= limit}), which
 * is what makes the check exact. Every path keeps {@code used >= true usage}: amounts are added to
 * {@code used} before they enter a bucket, and subtracted only after they left one. Whoever CASes an
 * expired slot away (a sweep when the epoch advances, or a writer taking the slot over) subtracts its
 * count from {@code used}, so each count leaves exactly once. The only possible error is therefore a
 * transient false reject, never an over-admission.
 *
 * <p>Epochs count buckets since this counter was created (starting at 1; slot value 0 means empty),
 * so 32 bits last 136 years at one-second buckets. A bucket holds at most 2^32-1; anything above that
 * is dropped (no limit in this domain gets near it).
 */
public final class SlidingWindowCounter extends ClockedCounter implements RateCounter {

    private static final int COUNT_BITS = 32;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** The most a single bucket (and so a single acquire) can hold. */
    public static final long MAX_AMOUNT = COUNT_MASK;

    private final long origin;
    private final long bucketMillis;
    private final int buckets;
    private final AtomicLongArray slots;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong sweptEpoch = new AtomicLong();

    /**
     * @param window the window length; must be a whole multiple of {@code buckets} milliseconds
     * @param buckets how many buckets the window is split into (its time resolution)
     * @param limit the most the window admits ({@code Long.MAX_VALUE}: unlimited, still counted)
     */
    public SlidingWindowCounter(Duration window, int buckets, long limit, Clock clock) {
        super(limit, clock);
        requireNonNull(window, "window");
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets: " + buckets + " (expected: >= 1)");
        }
        long windowMillis = window.toMillis();
        if (windowMillis < buckets || windowMillis % buckets != 0) {
            throw new IllegalArgumentException(
                    "window: " + window + " (expected: a positive multiple of " + buckets + " ms)");
        }
        this.buckets = buckets;
        this.bucketMillis = windowMillis / buckets;
        this.slots = new AtomicLongArray(buckets);
        this.origin = clock.millis();
    }

    /** 60 one-second buckets: rpm and tpm. */
    public static SlidingWindowCounter perMinute(long limit, Clock clock) {
        return new SlidingWindowCounter(Duration.ofMinutes(1), 60, limit, clock);
    }

    /** 1440 one-minute buckets: a rolling 24 h rpd. */
    public static SlidingWindowCounter perRollingDay(long limit, Clock clock) {
        return new SlidingWindowCounter(Duration.ofDays(1), 1440, limit, clock);
    }

    @Override
    public long tryAcquire(long amount, long nowMillis) {
        RateCounter.requireAmount(amount, MAX_AMOUNT);
        long epoch = epoch(nowMillis);
        sweep(epoch);
        long lim = limit;
        for (; ; ) {
            long u = used.get();
            if (amount > lim - u) {
                return REJECTED;
            }
            if (used.compareAndSet(u, u + amount)) {
                return place(epoch, amount);
            }
        }
    }

    @Override
    public long record(long amount) {
        return record(amount, clock.millis());
    }

    /**
     * {@link #record(long)} at {@code nowMillis}, read from this counter's clock by a caller that records
     * into several counters at once (a clock read costs as much as the rest of a record).
     */
    public long record(long amount, long nowMillis) {
        RateCounter.requireAmount(amount, MAX_AMOUNT);
        long epoch = epoch(nowMillis);
        sweep(epoch);
        used.addAndGet(amount);
        return place(epoch, amount);
    }

    /** Puts an amount already added to {@code used} into the bucket of {@code epoch}; returns its ticket. */
    private long place(long epoch, long amount) {
        int i = index(epoch);
        for (; ; ) {
            long v = slots.get(i);
            long slotEpoch = highOf(v, COUNT_BITS);
            if (slotEpoch >= epoch) {
                // Same bucket; or a newer one when this thread was descheduled past the window or the
                // clock stepped back: counting it in the newer bucket only errs on the safe side.
                long c = countOf(v, COUNT_BITS);
                long add = Math.min(amount, MAX_AMOUNT - c);
                if (slots.compareAndSet(i, v, pack(slotEpoch, c + add, COUNT_BITS))) {
                    if (add < amount) {
                        used.addAndGet(add - amount);
                    }
                    return slotEpoch;
                }
            } else if (slots.compareAndSet(i, v, pack(epoch, amount, COUNT_BITS))) {
                // The slot held an expired bucket: taking it over makes us the one who un-counts it.
                long old = countOf(v, COUNT_BITS);
                if (old != 0) {
                    used.addAndGet(-old);
                }
                return epoch;
            }
        }
    }

    @Override
    public void adjust(long ticket, long delta) {
        if (delta == 0 || ticket < 1) {
            return;
        }
        int i = index(ticket);
        if (delta > 0) {
            used.addAndGet(delta); // before the bucket, so used never under-counts
            for (; ; ) {
                long v = slots.get(i);
                if (highOf(v, COUNT_BITS) != ticket) {
                    used.addAndGet(-delta); // the reservation's bucket is gone: nothing to correct
                    return;
                }
                long c = countOf(v, COUNT_BITS);
                long add = Math.min(delta, MAX_AMOUNT - c);
                if (slots.compareAndSet(i, v, pack(ticket, c + add, COUNT_BITS))) {
                    if (add < delta) {
                        used.addAndGet(add - delta);
                    }
                    return;
                }
            }
        }
        for (; ; ) {
            long v = slots.get(i);
            if (highOf(v, COUNT_BITS) != ticket) {
                return;
            }
            long c = countOf(v, COUNT_BITS);
            long sub = Math.min(-delta, c);
            if (sub == 0) {
                return;
            }
            if (slots.compareAndSet(i, v, pack(ticket, c - sub, COUNT_BITS))) {
                used.addAndGet(-sub); // after the bucket, so used never under-counts
                return;
            }
        }
    }

    @Override
    public long current(long nowMillis) {
        sweep(epoch(nowMillis));
        return Math.max(0, used.get());
    }

    @Override
    public long millisUntilAvailable(long amount, long now) {
        long lim = limit;
        if (amount > lim) {
            return Long.MAX_VALUE;
        }
        long epoch = epoch(now);
        sweep(epoch);
        long excess = used.get() + amount - lim;
        if (excess <= 0) {
            return 0;
        }
        for (long e = Math.max(1, epoch - buckets + 1); e <= epoch; e++) {
            long v = slots.get(index(e));
            if (highOf(v, COUNT_BITS) == e) {
                excess -= countOf(v, COUNT_BITS);
                if (excess <= 0) {
                    return Math.max(1, expiry(e) - now);
                }
            }
        }
        // The rest is in flight or was counted in a newer bucket: it is gone at the latest when the
        // newest bucket expires.
        return Math.max(1, expiry(epoch) - now);
    }

    /**
     * Under load the current bucket has counts, and then the window is empty when it expires: answered
     * without the scan from the oldest bucket that {@link #millisUntilAvailable} makes (60 slots read per
     * call, for every provider of the model on every response). Otherwise the general answer.
     */
    @Override
    public long millisUntilEmpty(long now) {
        long epoch = epoch(now);
        long v = slots.get(index(epoch));
        if (highOf(v, COUNT_BITS) == epoch && countOf(v, COUNT_BITS) > 0) {
            return Math.max(1, expiry(epoch) - now);
        }
        return RateCounter.super.millisUntilEmpty(now);
    }

    @Override
    public void reset() {
        for (int i = 0; i < buckets; i++) {
            long v = slots.get(i);
            if (v != 0 && slots.compareAndSet(i, v, 0L)) {
                used.addAndGet(-countOf(v, COUNT_BITS));
            }
        }
    }

    /** Un-counts every expired bucket, once per epoch; racing sweepers split the work through the slot CAS. */
    private void sweep(long epoch) {
        long swept = sweptEpoch.get();
        if (epoch <= swept) {
            return;
        }
        long expiredUpTo = epoch - buckets;
        if (expiredUpTo >= 1) {
            // A full scan, not just the slots that expired since the last sweep: a late writer can
            // leave an old epoch anywhere, and 60 reads once a second are cheap.
            for (int i = 0; i < buckets; i++) {
                long v = slots.get(i);
                if (v != 0 && highOf(v, COUNT_BITS) <= expiredUpTo && slots.compareAndSet(i, v, 0L)) {
                    used.addAndGet(-countOf(v, COUNT_BITS));
                }
            }
        }
        while (swept < epoch && !sweptEpoch.compareAndSet(swept, epoch)) {
            swept = sweptEpoch.get();
        }
    }

    private long epoch(long nowMillis) {
        long e = Math.floorDiv(nowMillis - origin, bucketMillis) + 1;
        return e < 1 ? 1 : e;
    }

    /** The first instant at which the bucket of {@code epoch} no longer counts. */
    private long expiry(long epoch) {
        return origin + (epoch + buckets - 1) * bucketMillis;
    }

    private int index(long epoch) {
        return (int) (epoch % buckets);
    }

    @Override
    public String toString() {
        return "SlidingWindowCounter[" + current() + '/' + limit + " per " + buckets * bucketMillis + " ms]";
    }
}
