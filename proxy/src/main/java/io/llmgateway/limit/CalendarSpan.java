package io.llmgateway.limit;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * One calendar period in a time zone: a day, an ISO week (Monday first) or a month, as its number and its
 * [start, end) in epoch milliseconds. Counters cache the span they are in and compute a new one (allocating)
 * only when their clock leaves it, so an admission does no time-zone arithmetic.
 *
 * <p>Starts come from {@link LocalDate#atStartOfDay(ZoneId)}: where a DST change skips midnight, the period
 * starts at the first moment that exists, and a day is as long as the zone makes it (23 or 25 hours).
 */
public final class CalendarSpan {
    /** The whole of time: a budget that never resets. */
    public static final CalendarSpan TOTAL = new CalendarSpan(0, Long.MIN_VALUE, Long.MAX_VALUE);

    private final long number;
    private final long start;
    private final long end;

    private CalendarSpan(long number, long start, long end) {
        this.number = number;
        this.start = start;
        this.end = end;
    }

    /** The day {@code nowMillis} falls on in {@code zone}. */
    public static CalendarSpan day(long nowMillis, ZoneId zone) {
        LocalDate date = dateOf(nowMillis, zone);
        return of(date, date.plusDays(1), zone);
    }

    /** The ISO week (Monday to Sunday) {@code nowMillis} falls in, in {@code zone}. */
    public static CalendarSpan week(long nowMillis, ZoneId zone) {
        LocalDate monday = dateOf(nowMillis, zone).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return of(monday, monday.plusWeeks(1), zone);
    }

    /** The calendar month {@code nowMillis} falls in, in {@code zone}. */
    public static CalendarSpan month(long nowMillis, ZoneId zone) {
        LocalDate first = dateOf(nowMillis, zone).withDayOfMonth(1);
        return of(first, first.plusMonths(1), zone);
    }

    private static LocalDate dateOf(long millis, ZoneId zone) {
        return Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
    }

    private static CalendarSpan of(LocalDate first, LocalDate next, ZoneId zone) {
        return new CalendarSpan(
                first.toEpochDay(),
                first.atStartOfDay(zone).toInstant().toEpochMilli(),
                next.atStartOfDay(zone).toInstant().toEpochMilli());
    }

    /**
     * Tells periods of one kind apart, later ones larger: the epoch day of the first day (days since
     * 1970-01-01); 0 for {@link #TOTAL}.
     */
    public long number() {
        return number;
    }

    /** The first millisecond of the period. */
    public long start() {
        return start;
    }

    /** The first millisecond after the period ({@code Long.MAX_VALUE} for {@link #TOTAL}). */
    public long end() {
        return end;
    }

    public boolean contains(long millis) {
        return millis >= start && millis < end;
    }

    @Override
    public String toString() {
        return this == TOTAL
                ? "CalendarSpan[total]"
                : "CalendarSpan[" + LocalDate.ofEpochDay(number) + ", " + Instant.ofEpochMilli(start) + " to "
                        + Instant.ofEpochMilli(end) + ']';
    }
}
