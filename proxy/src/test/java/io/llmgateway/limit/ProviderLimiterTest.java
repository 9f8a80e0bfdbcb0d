package io.llmgateway.limit;

import static io.llmgateway.config.Limits.UNLIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Limits;
import io.llmgateway.testing.Race;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ProviderLimiterTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");

    private ProviderLimiter limiter(long rpm, long tpm, long rpd, long tpr) {
        return new ProviderLimiter(new Limits(rpm, tpm, rpd, tpr), false, ZoneOffset.UTC, clock);
    }

    @Test
    void tryAcquire_estimateAboveTpr_rejectedWithoutCounting() {
        ProviderLimiter l = limiter(10, UNLIMITED, UNLIMITED, 100);
        assertEquals(ProviderLimiter.REJECTED_TPR, l.tryAcquire(101));
        assertEquals(0, l.rpm().current());
        assertTrue(l.tryAcquire(100) >= 0);
    }

    @Test
    void tryAcquire_tpmFull_rollsBackRpmAndRpd() {
        ProviderLimiter l = limiter(10, 100, 10, UNLIMITED);
        assertTrue(l.tryAcquire(80) >= 0);
        assertEquals(ProviderLimiter.REJECTED_TPM, l.tryAcquire(30));
        assertEquals(1, l.rpm().current());
        assertEquals(1, l.rpd().current());
        assertEquals(80, l.tpm().current());
    }

    @Test
    void tryAcquire_rpdFull_rollsBackRpm() {
        ProviderLimiter l = limiter(10, UNLIMITED, 1, UNLIMITED);
        l.tryAcquire(1);
        assertEquals(ProviderLimiter.REJECTED_RPD, l.tryAcquire(1));
        assertEquals(1, l.rpm().current());
    }

    @Test
    void settle_realUsage_replacesEstimateUpAndDown() {
        ProviderLimiter l = limiter(UNLIMITED, 1000, UNLIMITED, UNLIMITED);
        long a = l.tryAcquire(300);
        long b = l.tryAcquire(300);
        l.settle(a, 300, 120);
        assertEquals(420, l.tpm().current());
        l.settle(b, 300, 700);
        assertEquals(820, l.tpm().current());
        assertEquals(ProviderLimiter.REJECTED_TPM, l.tryAcquire(200));
    }

    @Test
    void release_failedAttempt_givesTokensBackButKeepsRequest() {
        ProviderLimiter l = limiter(5, 1000, 5, UNLIMITED);
        long t = l.tryAcquire(400);
        l.release(t, 400);
        assertEquals(0, l.tpm().current());
        assertEquals(1, l.rpm().current());
        assertEquals(1, l.rpd().current());
    }

    @Test
    void update_newLimits_applyToKeptCounts() {
        ProviderLimiter l = limiter(10, UNLIMITED, 10, UNLIMITED);
        l.tryAcquire(1);
        l.tryAcquire(1);
        l.update(new Limits(2, UNLIMITED, 10, UNLIMITED), false, ZoneOffset.UTC);
        assertEquals(ProviderLimiter.REJECTED_RPM, l.tryAcquire(1));
        assertEquals(2, l.rpm().current());
    }

    @Test
    void update_rpdModeSwitched_carriesTodaysCount() {
        ProviderLimiter l = limiter(UNLIMITED, UNLIMITED, 3, UNLIMITED);
        l.tryAcquire(1);
        l.tryAcquire(1);
        l.update(new Limits(UNLIMITED, UNLIMITED, 3, UNLIMITED), true, ZoneOffset.UTC);
        assertTrue(l.rpd() instanceof SlidingWindowCounter);
        assertEquals(2, l.rpd().current());
        l.tryAcquire(1);
        assertEquals(ProviderLimiter.REJECTED_RPD, l.tryAcquire(1));
        l.update(new Limits(UNLIMITED, UNLIMITED, 3, UNLIMITED), false, ZoneId.of("Asia/Tokyo"));
        assertEquals(3, l.rpd().current());
    }

    @Test
    void rpdRolling_expiresTwentyFourHoursLater() {
        ProviderLimiter l =
                new ProviderLimiter(new Limits(UNLIMITED, UNLIMITED, 1, UNLIMITED), true, ZoneOffset.UTC, clock);
        l.tryAcquire(1);
        clock.advance(Duration.ofHours(14)); // crosses UTC midnight: a calendar counter would reset here
        assertEquals(ProviderLimiter.REJECTED_RPD, l.tryAcquire(1));
        clock.advance(Duration.ofHours(10));
        assertTrue(l.tryAcquire(1) >= 0);
    }

    /** rpm, rpd and tpm together under a race: no window ever over-admits. */
    @RepeatedTest(20)
    void tryAcquire_racingOnAllWindows_neverOverAdmits() throws Exception {
        ProviderLimiter l = limiter(100, 5_000, 80, UNLIMITED);
        long admitted = Race.run(64, 20, () -> l.tryAcquire(50) >= 0 ? 1 : 0);
        // rpd (80) is the tightest, and 80 * 50 tokens fit tpm: exactly 80 must get through.
        assertEquals(80, admitted);
        assertEquals(80, l.rpm().current());
        assertEquals(80, l.rpd().current());
        assertEquals(4_000, l.tpm().current());
    }

    @RepeatedTest(20)
    void tryAcquire_racingTpmBound_admitsExactlyWhatFits() throws Exception {
        ProviderLimiter l = limiter(100, 1_000, UNLIMITED, UNLIMITED);
        long admitted = Race.run(64, 20, () -> l.tryAcquire(30) >= 0 ? 1 : 0);
        assertEquals(33, admitted); // 33 * 30 = 990 <= 1000 < 34 * 30
        assertEquals(990, l.tpm().current());
        assertEquals(33, l.rpm().current());
    }
}
