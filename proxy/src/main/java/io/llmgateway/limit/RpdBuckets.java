package io.llmgateway.limit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The rpd bucket of a moment: one-minute buckets for a rolling day, one bucket per calendar day in the
 * provider's zone. Remembers the last calendar day it computed, so most calls need no date arithmetic.
 */
final class RpdBuckets {
    private static final long ROLLING_DAY_TTL_MILLIS = 86_400_000L + 60_000;

    private volatile Day day = new Day(ZoneId.of("UTC"), 0, 0, 0);

    Bucket of(SharedWindows.Spec s, long nowMillis) {
        if (s.rpdRolling) {
            long minute = Math.floorDiv(nowMillis, 60_000);
            return new Bucket(minute, 1440, ROLLING_DAY_TTL_MILLIS, -1);
        }
        Day d = day;
        if (!d.zone.equals(s.zone) || nowMillis < d.start || nowMillis >= d.end) {
            d = Day.of(nowMillis, s.zone);
            day = d;
        }
        // A calendar day's bucket lives until its end; an hour more covers clocks that lag.
        return new Bucket(d.number, 1, d.end - nowMillis + 3_600_000, d.end);
    }

    /** The rpd bucket of a moment; {@code dayEnd} is -1 for the rolling window. */
    record Bucket(long bucket, long span, long ttlMillis, long dayEnd) {}

    private record Day(ZoneId zone, long number, long start, long end) {
        static Day of(long now, ZoneId zone) {
            LocalDate date = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
            return new Day(
                    zone,
                    date.toEpochDay(),
                    date.atStartOfDay(zone).toInstant().toEpochMilli(),
                    date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
        }
    }
}
