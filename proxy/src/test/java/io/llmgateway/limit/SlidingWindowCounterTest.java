package io.llmgateway.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Limits;
import io.llmgateway.testing.Race;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SlidingWindowCounterTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");

    @Test
    void tryAcquire_underLimit_admitsUpToLimitExactly() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(3, clock);
        assertTrue(c.tryAcquire(1) >= 0);
        assertTrue(c.tryAcquire(2) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        assertEquals(3, c.current());
    }

    @Test
    void tryAcquire_afterWindow_bucketsExpireOneByOne() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(2, clock);
        c.tryAcquire(1); // t = 0 s
        clock.advance(Duration.ofSeconds(30));
        c.tryAcquire(1); // t = 30 s
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        clock.advance(Duration.ofMillis(29_999)); // t = 59.999 s: the first still counts
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        clock.advance(Duration.ofMillis(1)); // t = 60 s: the first expired
        assertEquals(1, c.current());
        assertTrue(c.tryAcquire(1) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        clock.advance(Duration.ofSeconds(30)); // t = 90 s: the second expired
        assertEquals(1, c.current());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(0, c.current());
    }

    @Test
    void tryAcquire_afterLongIdle_slotsAreReusedAndCountStaysExact() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(100, clock);
        for (int i = 0; i < 60; i++) {
            c.tryAcquire(1);
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofHours(3));
        assertEquals(0, c.current());
        for (int i = 0; i < 100; i++) {
            assertTrue(c.tryAcquire(1) >= 0);
        }
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
    }

    @Test
    void millisUntilAvailable_full_reportsWhenOldestBucketExpires() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(2, clock);
        c.tryAcquire(1);
        clock.advance(Duration.ofSeconds(10));
        c.tryAcquire(1);
        clock.advance(Duration.ofSeconds(5)); // t = 15 s
        assertEquals(45_000, c.millisUntilAvailable(1));
        assertEquals(55_000, c.millisUntilAvailable(2));
        assertEquals(Long.MAX_VALUE, c.millisUntilAvailable(3));
        clock.advance(Duration.ofSeconds(45));
        assertEquals(0, c.millisUntilAvailable(1));
    }

    @Test
    void millisUntilEmpty_isWhenTheWholeLimitWouldBeAvailable() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(100, clock);
        assertEquals(0, c.millisUntilEmpty(), "nothing counted");
        c.tryAcquire(3);
        clock.advance(Duration.ofMillis(10_300));
        c.tryAcquire(4); // t = 10.3 s, in the bucket [10 s, 11 s): it leaves the window at 70 s
        assertEquals(59_700, c.millisUntilEmpty(), "the current bucket has counts (the short answer)");
        assertEquals(c.millisUntilAvailable(100), c.millisUntilEmpty());
        clock.advance(Duration.ofMillis(5_000)); // t = 15.3 s
        assertEquals(54_700, c.millisUntilEmpty(), "only older buckets have counts (the general answer)");
        assertEquals(c.millisUntilAvailable(100), c.millisUntilEmpty());
        clock.advance(Duration.ofSeconds(55)); // t = 70.3 s: everything expired
        assertEquals(0, c.millisUntilEmpty());
    }

    @Test
    void record_atGivenTime_countsInThatTimesBucket() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(Long.MAX_VALUE, clock);
        long start = clock.millis();
        c.record(5, start);
        clock.advance(Duration.ofSeconds(30));
        c.record(7, clock.millis());
        c.record(2); // reads the clock itself: the same bucket as the 7
        clock.advance(Duration.ofSeconds(30)); // t = 60 s: the bucket of t = 0 expired
        assertEquals(9, c.current());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(0, c.current());
    }

    @Test
    void adjust_liveBucket_correctsUpAndDown() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(1000, clock);
        long ticket = c.tryAcquire(100);
        c.adjust(ticket, 250);
        assertEquals(350, c.current());
        c.adjust(ticket, -300);
        assertEquals(50, c.current());
        c.adjust(ticket, -500); // never below what the bucket holds
        assertEquals(0, c.current());
    }

    @Test
    void adjust_expiredBucket_changesNothing() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(1000, clock);
        long ticket = c.tryAcquire(100);
        clock.advance(Duration.ofSeconds(61));
        c.tryAcquire(10);
        c.adjust(ticket, 500);
        c.adjust(ticket, -5);
        assertEquals(10, c.current());
        // The slot of the old ticket is taken over by a new bucket one window later: still untouched.
        clock.advance(Duration.ofSeconds(59));
        long newer = c.tryAcquire(7);
        assertTrue(newer != ticket);
        c.adjust(ticket, -7);
        assertEquals(17, c.current());
    }

    @Test
    void limit_lowered_appliesToKeptCounts() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(10, clock);
        c.tryAcquire(5);
        c.limit(5);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        c.limit(6);
        assertTrue(c.tryAcquire(1) >= 0);
        assertThrows(IllegalArgumentException.class, () -> c.limit(0));
    }

    @Test
    void reset_full_admitsAgain() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(1, clock);
        c.tryAcquire(1);
        c.reset();
        assertEquals(0, c.current());
        assertTrue(c.tryAcquire(1) >= 0);
    }

    @Test
    void constructor_windowNotMultipleOfBuckets_rejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new SlidingWindowCounter(Duration.ofMillis(1001), 10, 5, clock));
        assertTrue(e.getMessage().startsWith("window: "), e.getMessage());
    }

    @Test
    void tryAcquire_unlimited_stillCounts() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(Limits.UNLIMITED, clock);
        c.tryAcquire(1_000_000);
        assertEquals(1_000_000, c.current());
    }

    @Test
    void perRollingDay_countsTwentyFourHours() {
        SlidingWindowCounter c = SlidingWindowCounter.perRollingDay(2, clock);
        c.tryAcquire(1);
        clock.advance(Duration.ofHours(12));
        c.tryAcquire(1);
        clock.advance(Duration.ofHours(11).plusMinutes(59));
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
        clock.advance(Duration.ofMinutes(1)); // 24 h after the first
        assertTrue(c.tryAcquire(1) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1));
    }

    /** 64 threads race for an rpm of 100 within one window: exactly 100 get through. */
    @RepeatedTest(20)
    void tryAcquire_64ThreadsRacing_admitsExactlyTheLimit() throws Exception {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(100, clock);
        assertEquals(100, Race.run(64, 50, () -> c.tryAcquire(1) >= 0 ? 1 : 0));
        assertEquals(100, c.current());
    }

    /** Token amounts of random sizes: the admitted total never exceeds tpm and is filled to the last fit. */
    @RepeatedTest(20)
    void tryAcquire_racingTokenAmounts_neverExceedsLimit() throws Exception {
        long limit = 10_000;
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(limit, clock);
        long admitted = Race.run(64, 200, () -> {
            long n = 1 + ThreadLocalRandom.current().nextInt(300);
            return c.tryAcquire(n) >= 0 ? n : 0;
        });
        assertEquals(admitted, c.current());
        assertTrue(admitted <= limit, "admitted " + admitted);
        // Every thread tried 200 times with amounts down to 1, so the window is (nearly) full: the last
        // rejections came from a real lack of room, not from lost updates.
        assertTrue(admitted > limit - 300, "admitted " + admitted);
    }

    /** Threads acquire and release concurrently while the clock moves: used equals the live buckets. */
    @RepeatedTest(5)
    void tryAcquireAndAdjust_concurrentWithRollover_stayConsistent() throws Exception {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(1_000, clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch done = new CountDownLatch(8);
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long ticket = c.tryAcquire(10);
                        if (ticket >= 0) {
                            c.adjust(ticket, i % 2 == 0 ? -10 : 5);
                        }
                    }
                    done.countDown();
                });
            }
            for (int i = 0; i < 200 && done.getCount() > 0; i++) {
                clock.advance(Duration.ofMillis(700));
                Thread.sleep(1);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, c.current());
        assertTrue(c.tryAcquire(1_000) >= 0);
    }

    @Test
    void nowVariants_useTheGivenTime_notAnotherClockRead() {
        SlidingWindowCounter c = SlidingWindowCounter.perMinute(2, clock);
        long t0 = clock.millis();
        assertTrue(c.tryAcquire(2, t0) >= 0);
        assertEquals(RateCounter.REJECTED, c.tryAcquire(1, t0 + 59_999));
        assertEquals(2, c.current(t0 + 59_999));
        assertEquals(1, c.millisUntilEmpty(t0 + 59_999));
        assertEquals(1, c.millisUntilAvailable(1, t0 + 59_999));
        // The clock never moved: only the times passed in say that the window has gone by.
        assertEquals(0, c.current(t0 + 60_000));
        assertEquals(0, c.millisUntilEmpty(t0 + 60_000));
        assertTrue(c.tryAcquire(2, t0 + 60_000) >= 0);
        assertEquals(t0, clock.millis());
    }
}
