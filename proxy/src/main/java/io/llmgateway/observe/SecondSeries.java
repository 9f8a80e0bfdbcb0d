package io.llmgateway.observe;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Requests and errors per second for the last {@link #SECONDS} seconds, by the second a request ended.
 * One thread adds, any thread reads; a second's slot is cleared the way {@link RecentWindow}'s buckets are.
 */
final class SecondSeries {
    static final int SECONDS = 300;
    private static final long CLEARING = Long.MIN_VALUE;

    private final AtomicLongArray stamp = new AtomicLongArray(SECONDS);
    private final AtomicIntegerArray requests = new AtomicIntegerArray(SECONDS);
    private final AtomicIntegerArray errors = new AtomicIntegerArray(SECONDS);

    SecondSeries() {
        for (int i = 0; i < SECONDS; i++) {
            stamp.set(i, -1);
        }
    }

    /** Writer only. */
    void add(long endMillis, boolean failed) {
        long second = Math.floorDiv(endMillis, 1000);
        int slot = (int) Math.floorMod(second, SECONDS);
        long held = stamp.getPlain(slot);
        if (held != second) {
            if (held > second) {
                return;
            }
            stamp.setRelease(slot, CLEARING);
            requests.setRelease(slot, 0);
            errors.setRelease(slot, 0);
            stamp.setRelease(slot, second);
        }
        requests.setRelease(slot, requests.getPlain(slot) + 1);
        if (failed) {
            errors.setRelease(slot, errors.getPlain(slot) + 1);
        }
    }

    /** Adds requests (index 0) and errors (index 1) per second, oldest first, ending with the second of {@code nowMillis}. */
    void addTo(long nowMillis, int[][] sum) {
        long now = Math.floorDiv(nowMillis, 1000);
        for (int i = 0; i < SECONDS; i++) {
            long second = now - SECONDS + 1 + i;
            int slot = (int) Math.floorMod(second, SECONDS);
            if (stamp.getAcquire(slot) != second) {
                continue;
            }
            int r = requests.getAcquire(slot);
            int e = errors.getAcquire(slot);
            if (stamp.getAcquire(slot) == second) {
                sum[0][i] += r;
                sum[1][i] += e;
            }
        }
    }
}
