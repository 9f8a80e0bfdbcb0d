package io.llmgateway.observe;

import io.llmgateway.limit.SlidingWindowCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Requests, tokens and errors of one usage row over the last minute, hour and day ({@link UsageStats.Window}):
 * the limiter's lock-free SlidingWindowCounters (unlimited, record-only), at one-second resolution for the
 * minute and one-minute resolution for the hour and the day.
 */
final class UsageWindows {
    private final SlidingWindowCounter[] requests = new SlidingWindowCounter[3];
    private final SlidingWindowCounter[] tokens = new SlidingWindowCounter[3];
    private final SlidingWindowCounter[] errors = new SlidingWindowCounter[3];

    UsageWindows(Clock clock) {
        for (SlidingWindowCounter[] kind : List.of(requests, tokens, errors)) {
            kind[0] = SlidingWindowCounter.perMinute(Long.MAX_VALUE, clock);
            kind[1] = new SlidingWindowCounter(Duration.ofHours(1), 60, Long.MAX_VALUE, clock);
            kind[2] = SlidingWindowCounter.perRollingDay(Long.MAX_VALUE, clock);
        }
    }

    /** @param tokenCount already within [0, {@link SlidingWindowCounter#MAX_AMOUNT}] */
    void add(long requestCount, long tokenCount, long errorCount, long nowMillis) {
        for (int i = 0; i < 3; i++) {
            requests[i].record(requestCount, nowMillis);
            if (tokenCount > 0) {
                tokens[i].record(tokenCount, nowMillis);
            }
            if (errorCount > 0) {
                errors[i].record(errorCount, nowMillis);
            }
        }
    }

    long requests(UsageStats.Window w) {
        return requests[w.ordinal()].current();
    }

    long tokens(UsageStats.Window w) {
        return tokens[w.ordinal()].current();
    }

    long errors(UsageStats.Window w) {
        return errors[w.ordinal()].current();
    }
}
