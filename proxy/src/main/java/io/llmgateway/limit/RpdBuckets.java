package io.llmgateway.limit;

import java.time.ZoneId;

/**
 * The rpd bucket of a moment: one-minute buckets for a rolling day, one bucket per calendar day in the
 * provider's zone. Remembers the last calendar day it computed, so most calls need no date arithmetic.
 */
final class RpdBuckets {
    private static final long ROLLING_DAY_TTL_MILLIS = 86_400_000L + 60_000;

    private volatile Day day = new Day(ZoneId.of("UTC"), CalendarSpan.day(0, ZoneId.of("UTC")));

    Bucket of(WindowSpec s, long nowMillis) {
        if (s.rpdRolling) {
            long minute = Math.floorDiv(nowMillis, 60_000);
            return new Bucket(minute, 1440, ROLLING_DAY_TTL_MILLIS, -1);
        }
        Day d = day;
        if (!d.zone.equals(s.zone) || !d.span.contains(nowMillis)) {
            d = new Day(s.zone, CalendarSpan.day(nowMillis, s.zone));
            day = d;
        }
        // A calendar day's bucket lives until its end; an hour more covers clocks that lag.
        long end = d.span.end();
        return new Bucket(d.span.number(), 1, end - nowMillis + 3_600_000, end);
    }

    /** The rpd bucket of a moment; {@code dayEnd} is -1 for the rolling window. */
    record Bucket(long bucket, long span, long ttlMillis, long dayEnd) {}

    private record Day(ZoneId zone, CalendarSpan span) {}
}
