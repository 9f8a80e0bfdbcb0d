package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Budget;
import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.Price;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.testing.Race;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BudgetCounterTest {
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    /** Midnight did not exist there on 2018-11-04 (23:59:59 was followed by 01:00). */
    private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo");

    private static final long USD = Cost.NANOS_PER_USD;

    private static BudgetCounter counter(long usd, BudgetPeriod period, ZoneId zone, MutableClock clock) {
        return new BudgetCounter(new Budget(usd * USD, period, false), zone, clock);
    }

    @Test
    void tryReserve_upToTheLimit_thenRejected() {
        BudgetCounter c = counter(10, BudgetPeriod.MONTH, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        assertTrue(c.tryReserve(4 * USD) >= 0);
        assertTrue(c.tryReserve(6 * USD) >= 0);
        assertEquals(0, c.remaining());
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(1));
        assertEquals(10 * USD, c.spent());
    }

    @Test
    void settle_cheaperThanReserved_givesTheDifferenceBack() {
        BudgetCounter c = counter(10, BudgetPeriod.DAY, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        long ticket = c.tryReserve(8 * USD);
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(3 * USD));
        c.settle(ticket, 8 * USD, 2 * USD);
        assertEquals(2 * USD, c.spent());
        assertEquals(8 * USD, c.remaining());
        assertTrue(c.tryReserve(3 * USD) >= 0);
    }

    @Test
    void settle_dearerThanReserved_goesPastTheLimitAndRefusesUntilTheReset() {
        MutableClock clock = MutableClock.at("2024-05-10T12:00:00Z");
        BudgetCounter c = counter(10, BudgetPeriod.DAY, ZoneOffset.UTC, clock);
        long ticket = c.tryReserve(9 * USD);
        c.settle(ticket, 9 * USD, 12 * USD);
        assertEquals(12 * USD, c.spent());
        assertEquals(0, c.remaining());
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(0 + 1));
        clock.set(Instant.parse("2024-05-11T00:00:00Z"));
        assertEquals(10 * USD, c.remaining());
    }

    @Test
    void day_resetsAtMidnightOfTheZone_notUtc() {
        MutableClock clock = MutableClock.at("2024-05-01T14:59:59Z"); // 23:59:59 in Tokyo
        BudgetCounter c = counter(1, BudgetPeriod.DAY, TOKYO, clock);
        long yesterday = c.tryReserve(USD);
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(1));
        assertEquals(Instant.parse("2024-05-01T15:00:00Z").toEpochMilli(), c.resetsAtMillis());
        clock.advance(Duration.ofSeconds(1)); // Tokyo midnight
        assertEquals(0, c.spent());
        long today = c.tryReserve(USD / 2);
        assertNotEquals(yesterday, today);
        // yesterday's request ends today: its settlement belongs to yesterday and leaves today alone
        c.settle(yesterday, USD, 0);
        assertEquals(USD / 2, c.spent());
        c.settle(today, USD / 2, USD / 4);
        assertEquals(USD / 4, c.spent());
    }

    @Test
    void day_midnightInADstGap_rollsOverAtTheFirstLocalMoment() {
        MutableClock clock = MutableClock.at("2018-11-04T02:59:59Z"); // 23:59:59 on 3 Nov, -03:00
        BudgetCounter c = counter(1, BudgetPeriod.DAY, SAO_PAULO, clock);
        c.tryReserve(USD);
        assertEquals(Instant.parse("2018-11-04T03:00:00Z").toEpochMilli(), c.resetsAtMillis()); // 01:00, -02:00
        clock.advance(Duration.ofSeconds(1));
        assertEquals(USD, c.remaining());
        // that day has 23 hours
        assertEquals(Instant.parse("2018-11-05T02:00:00Z").toEpochMilli(), c.resetsAtMillis());
    }

    @Test
    void week_resetsOnMondayMorning() {
        MutableClock clock = MutableClock.at("2024-05-05T14:59:59Z"); // Sunday 23:59:59 in Tokyo
        BudgetCounter c = counter(5, BudgetPeriod.WEEK, TOKYO, clock);
        c.tryReserve(5 * USD);
        clock.set(Instant.parse("2024-04-29T00:00:00Z")); // earlier the same week: still spent
        assertEquals(0, c.remaining());
        clock.set(Instant.parse("2024-05-05T15:00:00Z")); // Monday 00:00
        assertEquals(5 * USD, c.remaining());
        assertEquals(Instant.parse("2024-05-12T15:00:00Z").toEpochMilli(), c.resetsAtMillis());
    }

    @Test
    void month_resetsOnTheFirst_afterAShortFebruary() {
        MutableClock clock = MutableClock.at("2023-02-28T23:59:59Z");
        BudgetCounter c = counter(50, BudgetPeriod.MONTH, ZoneOffset.UTC, clock);
        c.record(50 * USD);
        assertEquals(Instant.parse("2023-03-01T00:00:00Z").toEpochMilli(), c.resetsAtMillis());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(50 * USD, c.remaining());
        clock.set(Instant.parse("2023-03-31T23:59:59Z"));
        c.record(USD);
        assertEquals(49 * USD, c.remaining());
    }

    @Test
    void total_neverResets() {
        MutableClock clock = MutableClock.at("2024-05-10T12:00:00Z");
        BudgetCounter c = counter(3, BudgetPeriod.TOTAL, ZoneOffset.UTC, clock);
        c.record(2 * USD);
        clock.advance(Duration.ofDays(4000));
        assertEquals(USD, c.remaining());
        assertEquals(Long.MAX_VALUE, c.resetsAtMillis());
    }

    @Test
    void clockSteppingBack_keepsCountingIntoTheNewerPeriod() {
        MutableClock clock = MutableClock.at("2024-05-11T00:00:01Z");
        BudgetCounter c = counter(2, BudgetPeriod.DAY, ZoneOffset.UTC, clock);
        c.tryReserve(USD);
        clock.set(Instant.parse("2024-05-10T23:59:59Z"));
        assertEquals(USD, c.spent());
        assertTrue(c.tryReserve(USD) >= 0);
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(1));
    }

    @Test
    void restore_onlyTheCurrentPeriod() {
        MutableClock clock = MutableClock.at("2024-05-10T12:00:00Z");
        BudgetCounter c = counter(10, BudgetPeriod.MONTH, ZoneOffset.UTC, clock);
        long may = c.span().number();
        c.restore(may - 30, 9 * USD); // April's spend does not count in May
        c.restore(may, 4 * USD);
        assertEquals(6 * USD, c.remaining());
    }

    @Test
    void limitAndReset_adminEdits() {
        BudgetCounter c = counter(10, BudgetPeriod.DAY, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        long ticket = c.tryReserve(8 * USD);
        c.limit(5 * USD);
        assertEquals(0, c.remaining());
        c.reset();
        assertEquals(5 * USD, c.remaining());
        c.settle(ticket, 8 * USD, 1 * USD); // settles against zero, never below it
        assertEquals(0, c.spent());
    }

    /** The case: a budget worth exactly 10 requests at known prices; 40 race; exactly 10 are admitted. */
    @RepeatedTest(20)
    void tryReserve_racing_admitsExactlyWhatTheBudgetAffords() throws Exception {
        Price sonnet = new Price(3_000_000, 15_000_000, Price.NOT_SET, 300_000, 3_750_000);
        long perRequest = Cost.worstCase(sonnet, 1_000, 500); // USD 0.01125
        Budget budget = new Budget(10 * perRequest, BudgetPeriod.DAY, false);
        BudgetCounter c = new BudgetCounter(budget, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        assertEquals(10, Race.run(40, 1, () -> c.tryReserve(perRequest) >= 0 ? 1 : 0));
        assertEquals(0, c.remaining());
    }

    @RepeatedTest(5)
    void reserveAndSettle_racing_spendIsExact() throws Exception {
        BudgetCounter c = counter(1_000_000, BudgetPeriod.DAY, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        long admitted = Race.run(16, 1_000, () -> {
            long t = c.tryReserve(7_000);
            if (t == BudgetCounter.REJECTED) {
                return 0;
            }
            c.settle(t, 7_000, 3_001);
            return 1;
        });
        assertEquals(16_000, admitted);
        assertEquals(16_000 * 3_001L, c.spent());
    }

    @Test
    void tryReserveAndSettle_allocateNothing() {
        BudgetCounter c = counter(1_000, BudgetPeriod.DAY, ZoneOffset.UTC, MutableClock.at("2024-05-10T12:00:00Z"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up: compiled, with the clock's own allocation-free path
            c.settle(c.tryReserve(5_000, 1_715_342_400_000L), 5_000, 1_000);
        }
        c.reset();
        long before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < 100_000; i++) {
            c.settle(c.tryReserve(5_000, 1_715_342_400_000L), 5_000, 1_000);
        }
        long allocated = threads.getThreadAllocatedBytes(self) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 100000 admissions");
    }
}
