package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Budget;
import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.limit.CalendarSpan;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/*
 * Design notes
 * - Admission is a reservation, like tpm: before the call, the worst case of the request (Cost.worstCase) is
 *   added to the period's spend if it fits under the limit, in one CAS; when the answer ends, settle() swaps
 *   the reservation for the real cost. So a budget that affords exactly N requests admits exactly N of any
 *   number racing, and a request never starts that its budget could not pay for.
 * - Each period has a Window of its own: a span and an AtomicLong of nano-dollars (the whole 64 bits; a
 *   packed period tag would leave too few bits for money). At the boundary the first caller that sees the
 *   clock outside the window installs the next one by CAS; that is the only allocation, once per period. A
 *   reservation made in a window stays in it: a settlement whose ticket (the window's number) is no longer
 *   current does nothing, so the old period keeps the reservation and the new one starts from zero instead
 *   of from a correction it never saw.
 * - A clock that steps back into an older period keeps counting into the newer window (the safe side), as
 *   DailyCounter does.
 * - Settlement may take spend past the limit (the worst case under-estimated the prompt): the budget is then
 *   spent, and later reservations are refused until the period ends.
 * - Shared across instances (limits_store): Redis holds the period's figure (limit.SharedBudgets, charged by the
 *   same script as the rate windows) and this counter mirrors it (mirror), for the remaining-budget header, the
 *   admin page and the fallback while Redis is unreachable (route.SharedSpend).
 */
/**
 * The spend of one client key or provider in its current budget period, and the admission check against its
 * limit. Thread-safe and lock-free; reserving and settling allocate nothing.
 */
public final class BudgetCounter {
    /** Returned by {@link #tryReserve} when the amount does not fit in what is left of the budget. */
    public static final long REJECTED = -1;

    private static final AtomicReferenceFieldUpdater<BudgetCounter, Window> WINDOW =
            AtomicReferenceFieldUpdater.newUpdater(BudgetCounter.class, Window.class, "window");

    private final BudgetPeriod period;
    private final ZoneId zone;
    private final Clock clock;
    private volatile Window window;
    private volatile long limit;

    /**
     * @param budget the limit and its period
     * @param zone the zone whose calendar the period follows ({@code routing.time_zone})
     */
    public BudgetCounter(Budget budget, ZoneId zone, Clock clock) {
        requireNonNull(budget, "budget");
        this.period = budget.period();
        this.zone = requireNonNull(zone, "zone");
        this.clock = requireNonNull(clock, "clock");
        this.limit = budget.limitNanos();
        this.window = new Window(spanAt(clock.millis()));
    }

    /**
     * Adds {@code nanos} to this period's spend if it stays within the limit.
     *
     * @return a ticket ({@code >= 0}) for {@link #settle}, or {@link #REJECTED}
     */
    public long tryReserve(long nanos) {
        return tryReserve(nanos, clock.millis());
    }

    /** {@link #tryReserve(long)} at {@code nowMillis}, read from this counter's clock. */
    public long tryReserve(long nanos, long nowMillis) {
        requireAmount(nanos);
        Window w = window(nowMillis);
        long lim = limit;
        for (; ; ) {
            long spent = w.spent.get();
            if (nanos > lim - spent) {
                return REJECTED;
            }
            if (w.spent.compareAndSet(spent, spent + nanos)) {
                return w.span.number();
            }
        }
    }

    /**
     * Replaces a reservation by the real cost: adds {@code actual - reserved} to the period of {@code ticket}
     * while it is the current one (afterwards the old period keeps the reservation). Never below zero.
     */
    public void settle(long ticket, long reserved, long actual) {
        requireAmount(reserved);
        requireAmount(actual);
        Window w = window;
        if (w.span.number() != ticket || actual == reserved) {
            return;
        }
        long delta = actual - reserved;
        for (; ; ) {
            long spent = w.spent.get();
            long next = delta > 0 ? Cost.add(spent, delta) : Math.max(0, spent + delta);
            if (w.spent.compareAndSet(spent, next)) {
                return;
            }
        }
    }

    /** Counts spend that needed no reservation (it already happened), whatever the limit says. */
    public void record(long nanos) {
        requireAmount(nanos);
        Window w = window(clock.millis());
        for (; ; ) {
            long spent = w.spent.get();
            if (w.spent.compareAndSet(spent, Cost.add(spent, nanos))) {
                return;
            }
        }
    }

    /**
     * Puts back what the spend store holds for a period (at start): adds {@code nanos} when {@code number} is
     * the current period's {@link CalendarSpan#number()}.
     */
    public void restore(long number, long nanos) {
        requireAmount(nanos);
        Window w = window(clock.millis());
        if (w.span.number() == number) {
            w.spent.getAndUpdate(spent -> Cost.add(spent, nanos));
        }
    }

    /**
     * Replaces this period's spend by {@code nanos} when {@code number} is the current period's: the figure a
     * shared store holds for every instance ({@code limits_store}), which this counter then mirrors for the
     * remaining-budget header, the admin page and the fallback while the store is unreachable.
     */
    public void mirror(long number, long nanos) {
        requireAmount(nanos);
        Window w = window(clock.millis());
        if (w.span.number() == number) {
            w.spent.set(nanos);
        }
    }

    /** This period's spend (reservations of requests still running included), in nano-dollars. */
    public long spent() {
        return window(clock.millis()).spent.get();
    }

    /** What is left of the limit this period, never below zero. */
    public long remaining() {
        return Math.max(0, limit - spent());
    }

    /** When the current period ends (and the spend starts from zero), or {@code Long.MAX_VALUE} for total. */
    public long resetsAtMillis() {
        return window(clock.millis()).span.end();
    }

    /** The current period. */
    public CalendarSpan span() {
        return window(clock.millis()).span;
    }

    public long limit() {
        return limit;
    }

    /** Replaces the limit (an admin edit); what was spent stays and counts against the new limit. */
    public void limit(long newLimit) {
        if (newLimit <= 0) {
            throw new IllegalArgumentException("limit: " + newLimit + " (expected: > 0)");
        }
        limit = newLimit;
    }

    public BudgetPeriod period() {
        return period;
    }

    /** Forgets this period's spend (an admin reset); reservations of running requests settle against zero. */
    public void reset() {
        window(clock.millis()).spent.set(0);
    }

    private Window window(long now) {
        Window w = window;
        while (now >= w.span.end()) {
            Window next = new Window(spanAt(now));
            if (WINDOW.compareAndSet(this, w, next)) {
                return next;
            }
            w = window;
        }
        return w; // inside it, or a clock that stepped back: keep counting into the newer window
    }

    private CalendarSpan spanAt(long now) {
        return switch (period) {
            case DAY -> CalendarSpan.day(now, zone);
            case WEEK -> CalendarSpan.week(now, zone);
            case MONTH -> CalendarSpan.month(now, zone);
            case TOTAL -> CalendarSpan.TOTAL;
        };
    }

    private static void requireAmount(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
    }

    @Override
    public String toString() {
        return "BudgetCounter[" + Cost.usd(spent()) + '/' + Cost.usd(limit) + " USD per " + period.configName() + " in "
                + zone + ']';
    }

    /** One period's spend. */
    private static final class Window {
        final CalendarSpan span;
        final AtomicLong spent = new AtomicLong();

        Window(CalendarSpan span) {
            this.span = span;
        }
    }
}
