package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Race;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class DailyCounterTest {

    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    @Test
    void tryAcquire_tokyoMidnight_resetsAtZoneMidnightNotUtc() {
        // 2024-05-01T23:59:59+09:00
        MutableClock clock = MutableClock.at("2024-05-01T14:59:59Z");
        DailyCounter c = new DailyCounter(2, TOKYO, clock);
        assertTrue(c.tryAcquire(1) >= 0);
        assertTrue(c.tryAcquire(1) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        assertEquals(1000, c.millisUntilAvailable(1));
        clock.advance(Duration.ofSeconds(1)); // 00:00:00 in Tokyo, still 15:00 UTC
        assertEquals(0, c.current());
        assertTrue(c.tryAcquire(1) >= 0);
    }

    @Test
    void tryAcquire_utcMidnightInTokyo_doesNotReset() {
        MutableClock clock = MutableClock.at("2024-05-01T23:59:59Z"); // 08:59:59 in Tokyo
        DailyCounter c = new DailyCounter(1, TOKYO, clock);
        c.tryAcquire(1);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, c.current());
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        assertEquals(Duration.ofHours(15).toMillis(), c.millisUntilAvailable(1));
    }

    @Test
    void adjust_yesterdaysTicket_doesNothingToday() {
        MutableClock clock = MutableClock.at("2024-05-01T14:59:59Z");
        DailyCounter c = new DailyCounter(10, TOKYO, clock);
        long yesterday = c.tryAcquire(3);
        clock.advance(Duration.ofSeconds(2));
        long today = c.tryAcquire(1);
        assertEquals(yesterday + 1, today);
        c.adjust(yesterday, -3);
        assertEquals(1, c.current());
        c.adjust(today, -1);
        assertEquals(0, c.current());
    }

    @Test
    void record_overLimit_countsAnyway() {
        MutableClock clock = MutableClock.at("2024-05-01T00:00:00Z");
        DailyCounter c = new DailyCounter(1, TOKYO, clock);
        c.record(5);
        assertEquals(5, c.current());
        c.reset();
        assertEquals(0, c.current());
    }

    @RepeatedTest(10)
    void tryAcquire_64ThreadsRacing_admitsExactlyTheLimit() throws Exception {
        MutableClock clock = MutableClock.at("2024-05-01T00:00:00Z");
        DailyCounter c = new DailyCounter(100, TOKYO, clock);
        assertEquals(100, Race.run(64, 20, () -> c.tryAcquire(1) >= 0 ? 1 : 0));
    }

    @Test
    void nowVariants_useTheGivenTime_notAnotherClockRead() {
        MutableClock clock = MutableClock.at("2024-05-01T14:59:59Z"); // 23:59:59 in Tokyo
        DailyCounter c = new DailyCounter(1, TOKYO, clock);
        long now = clock.millis();
        assertTrue(c.tryAcquire(1, now) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1, now));
        assertEquals(1, c.current(now));
        assertEquals(1000, c.millisUntilAvailable(1, now));
        assertEquals(1000, c.millisUntilEmpty(now));
        long tomorrow = now + 1000; // Tokyo's midnight, while the clock still says the day before
        assertEquals(0, c.current(tomorrow));
        assertEquals(0, c.millisUntilEmpty(tomorrow));
        assertTrue(c.tryAcquire(1, tomorrow) >= 0);
        assertEquals(1, c.current());
    }
}
