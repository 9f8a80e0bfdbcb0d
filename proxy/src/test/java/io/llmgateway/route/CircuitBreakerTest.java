package io.llmgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Strategy;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.testing.Race;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    // threshold 3, base 5 s, max 60 s, bad key 30 min
    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");
    private final CircuitBreaker breaker = new CircuitBreaker(TestConfigs.routing(Strategy.PRIORITY), clock);

    private long now() {
        return clock.millis();
    }

    private void failTimes(int n) {
        for (int i = 0; i < n; i++) {
            assertEquals(CircuitBreaker.PERMITTED, breaker.tryAcquire(now()));
            breaker.onFailure(false);
        }
    }

    @Test
    void onFailure_belowThreshold_staysClosed() {
        failTimes(2);
        assertEquals(CircuitState.CLOSED, breaker.state());
        breaker.onSuccess(false); // a success in between restarts the count
        failTimes(2);
        assertEquals(CircuitState.CLOSED, breaker.state());
        assertEquals(2, breaker.failures());
    }

    @Test
    void onFailure_atThreshold_opensForBaseCooldown() {
        failTimes(3);
        assertEquals(CircuitState.OPEN, breaker.state());
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(now()));
        assertEquals(5_000, breaker.millisUntilRetry(now()));
        clock.advance(Duration.ofMillis(4_999));
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(now()));
        clock.advance(Duration.ofMillis(1));
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
        assertEquals(CircuitState.HALF_OPEN, breaker.state());
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(now()));
    }

    @Test
    void trialFailure_reopensDoubledUpToCap() {
        failTimes(3);
        long[] expected = {10_000, 20_000, 40_000, 60_000, 60_000};
        long wait = 5_000;
        for (long next : expected) {
            clock.advance(Duration.ofMillis(wait));
            assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
            breaker.onFailure(true);
            assertEquals(CircuitState.OPEN, breaker.state());
            assertEquals(next, breaker.millisUntilRetry(now()));
            wait = next;
        }
    }

    @Test
    void trialSuccess_closesAndResetsCooldown() {
        failTimes(3);
        clock.advance(Duration.ofSeconds(5));
        breaker.tryAcquire(now());
        breaker.onFailure(true); // re-open for 10 s
        clock.advance(Duration.ofSeconds(10));
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
        breaker.onSuccess(true);
        assertEquals(CircuitState.CLOSED, breaker.state());
        failTimes(3);
        assertEquals(5_000, breaker.millisUntilRetry(now())); // back to base
    }

    @Test
    void lateFailures_whileOpen_doNotExtendIt() {
        failTimes(3);
        breaker.onFailure(false);
        breaker.onFailure(false);
        assertEquals(5_000, breaker.millisUntilRetry(now()));
    }

    @RepeatedTest(10)
    void tryAcquire_halfOpenUnderConcurrency_grantsSingleTrial() throws Exception {
        failTimes(3);
        clock.advance(Duration.ofSeconds(5));
        AtomicInteger trials = new AtomicInteger();
        AtomicInteger permitted = new AtomicInteger();
        Race.run(32, 100, () -> {
            int p = breaker.tryAcquire(clock.millis());
            if (p == CircuitBreaker.TRIAL) {
                trials.incrementAndGet();
            } else if (p == CircuitBreaker.PERMITTED) {
                permitted.incrementAndGet();
            }
            return 0;
        });
        assertEquals(1, trials.get());
        assertEquals(0, permitted.get());
    }

    @Test
    void onNeutral_trial_givesTheTrialBack() {
        failTimes(3);
        clock.advance(Duration.ofSeconds(5));
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
        breaker.onNeutral(true);
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
    }

    @Test
    void onNeutral_closed_countsNothing() {
        for (int i = 0; i < 10; i++) {
            breaker.onNeutral(false);
        }
        assertEquals(CircuitState.CLOSED, breaker.state());
        assertEquals(0, breaker.failures());
    }

    @Test
    void onRateLimited_withRetryAfter_opensImmediatelyForAtLeastThat() {
        breaker.onRateLimited(false, 42_000);
        assertEquals(CircuitState.OPEN, breaker.state());
        assertEquals(42_000, breaker.millisUntilRetry(now()));
        breaker.onRateLimited(false, 1_000); // a shorter one does not shorten it
        assertEquals(42_000, breaker.millisUntilRetry(now()));
    }

    @Test
    void onRateLimited_withoutRetryAfter_countsAsFailure() {
        breaker.onRateLimited(false, 0);
        assertEquals(CircuitState.CLOSED, breaker.state());
        assertEquals(1, breaker.failures());
    }

    @Test
    void onKeyRejected_opensForBadKeyCooldown() {
        breaker.onKeyRejected();
        assertTrue(breaker.keyRejected());
        assertEquals(Duration.ofMinutes(30).toMillis(), breaker.millisUntilRetry(now()));
        clock.advance(Duration.ofMinutes(30));
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
        breaker.onSuccess(true);
        assertFalse(breaker.keyRejected());
        assertEquals(CircuitState.CLOSED, breaker.state());
    }

    @Test
    void tryAcquire_trialNeverReported_anotherTrialAfterLease() {
        failTimes(3);
        clock.advance(Duration.ofSeconds(5));
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(CircuitBreaker.DENIED, breaker.tryAcquire(now()));
        clock.advance(Duration.ofSeconds(1)); // lease = maxCooldown (60 s)
        assertEquals(CircuitBreaker.TRIAL, breaker.tryAcquire(now()));
    }

    @Test
    void reset_open_closes() {
        breaker.onKeyRejected();
        breaker.reset();
        assertEquals(CircuitState.CLOSED, breaker.state());
        assertEquals(CircuitBreaker.PERMITTED, breaker.tryAcquire(now()));
    }
}
