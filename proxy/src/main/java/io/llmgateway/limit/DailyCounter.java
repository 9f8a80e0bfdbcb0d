package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per calendar day in a time zone, reset at that zone's midnight.
 *
 * <p>Design notes. One {@link AtomicLong} packs (day number, count), so the midnight reset and an
 * admission are the same CAS and can never interleave: the first acquire of a new day starts from zero
 * and a late release of yesterday's ticket finds another day and does nothing. The day number comes
 * from a cached [start, end) of the current day, recomputed (allocating) only when the clock leaves it,
 * so the admission path does no time-zone arithmetic and allocates nothing. The start of a day is
 * {@link LocalDate#atStartOfDay(ZoneId)}, which handles zones where midnight falls in a DST gap.
 */
public final class DailyCounter extends ClockedCounter implements RateCounter {

    private static final int COUNT_BITS = 40;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** The most a day can count. */
    public static final long MAX_AMOUNT = COUNT_MASK;

    private final ZoneId zone;
    private final AtomicLong state = new AtomicLong();
    private volatile CalendarSpan day;

    public DailyCounter(long limit, ZoneId zone, Clock clock) {
        super(limit, clock);
        this.zone = requireNonNull(zone, "zone");
        this.day = CalendarSpan.day(clock.millis(), zone);
    }

    /** The zone whose midnight resets this counter. */
    public ZoneId zone() {
        return zone;
    }

    @Override
    public long tryAcquire(long amount, long nowMillis) {
        RateCounter.requireAmount(amount, MAX_AMOUNT);
        long today = today(nowMillis);
        long lim = limit;
        for (; ; ) {
            long v = state.get();
            long d = highOf(v, COUNT_BITS);
            // A later day in the state means the clock stepped back: keep counting into it.
            long c = d >= today ? countOf(v, COUNT_BITS) : 0;
            if (amount > lim - c) {
                return REJECTED;
            }
            long keep = Math.max(d, today);
            if (state.compareAndSet(v, pack(keep, c + amount, COUNT_BITS))) {
                return keep;
            }
        }
    }

    @Override
    public long record(long amount) {
        RateCounter.requireAmount(amount, MAX_AMOUNT);
        long today = today(clock.millis());
        for (; ; ) {
            long v = state.get();
            long d = highOf(v, COUNT_BITS);
            long c = d >= today ? countOf(v, COUNT_BITS) : 0;
            long keep = Math.max(d, today);
            if (state.compareAndSet(v, pack(keep, Math.min(MAX_AMOUNT, c + amount), COUNT_BITS))) {
                return keep;
            }
        }
    }

    @Override
    public void adjust(long ticket, long delta) {
        if (delta == 0) {
            return;
        }
        for (; ; ) {
            long v = state.get();
            if (highOf(v, COUNT_BITS) != ticket) {
                return;
            }
            long c = Math.max(0, Math.min(MAX_AMOUNT, countOf(v, COUNT_BITS) + delta));
            if (state.compareAndSet(v, pack(ticket, c, COUNT_BITS))) {
                return;
            }
        }
    }

    @Override
    public long current(long nowMillis) {
        long v = state.get();
        return highOf(v, COUNT_BITS) >= today(nowMillis) ? countOf(v, COUNT_BITS) : 0;
    }

    @Override
    public long millisUntilAvailable(long amount, long now) {
        long lim = limit;
        if (amount > lim) {
            return Long.MAX_VALUE;
        }
        long today = today(now);
        long v = state.get();
        long c = highOf(v, COUNT_BITS) >= today ? countOf(v, COUNT_BITS) : 0;
        if (c + amount <= lim) {
            return 0;
        }
        return Math.max(1, day.end() - now);
    }

    @Override
    public void reset() {
        long today = today(clock.millis());
        for (; ; ) {
            long v = state.get();
            if (state.compareAndSet(v, pack(Math.max(highOf(v, COUNT_BITS), today), 0, COUNT_BITS))) {
                return;
            }
        }
    }

    /** The day's number, never negative here (it is packed above the count). */
    private long today(long now) {
        CalendarSpan d = day;
        if (!d.contains(now)) {
            d = CalendarSpan.day(now, zone);
            day = d;
        }
        return Math.max(0, d.number());
    }

    @Override
    public String toString() {
        return "DailyCounter[" + current() + '/' + limit + " per day in " + zone + ']';
    }
}
