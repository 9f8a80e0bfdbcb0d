package io.llmgateway.observe;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/*
 * Design notes
 * - One thread adds (the owner of a RequestStats shard), any thread reads. A bucket that time moved past
 *   is cleared by its writer: the stamp is set to CLEARING first and to the new bucket's number last,
 *   all with release stores, so a reader that read any cleared or newer cell finds a different stamp
 *   when it reads the stamp again, and drops that bucket instead of mixing two.
 */
/**
 * Requests, errors and latency bins over the last {@link #WINDOW_MILLIS}, in {@link #BUCKETS} time
 * buckets that are cleared as time moves past them.
 */
final class RecentWindow {
    static final int BUCKETS = 30;
    static final long BUCKET_MILLIS = 10_000;
    static final long WINDOW_MILLIS = BUCKETS * BUCKET_MILLIS;

    /** A bucket's cells: requests, errors, then the latency bins. */
    static final int REQUESTS = 0;

    static final int ERRORS = 1;
    static final int BINS = 2;
    static final int WIDTH = BINS + LatencyHistogram.BINS;

    private static final long CLEARING = Long.MIN_VALUE;

    private final AtomicLongArray stamp = new AtomicLongArray(BUCKETS);
    private final AtomicIntegerArray cells = new AtomicIntegerArray(BUCKETS * WIDTH);

    RecentWindow() {
        for (int i = 0; i < BUCKETS; i++) {
            stamp.set(i, -1);
        }
    }

    /** One observation that ended at {@code atMillis}; older than what its bucket holds: ignored. Writer only. */
    void add(long atMillis, long latencyMillis, boolean error) {
        long index = Math.floorDiv(atMillis, BUCKET_MILLIS);
        int slot = (int) Math.floorMod(index, BUCKETS);
        int base = slot * WIDTH;
        long held = stamp.getPlain(slot);
        if (held != index) {
            if (held > index) {
                return; // the slot already holds a newer bucket: this one left the window
            }
            stamp.setRelease(slot, CLEARING);
            for (int i = 0; i < WIDTH; i++) {
                cells.setRelease(base + i, 0);
            }
            stamp.setRelease(slot, index);
        }
        increment(base + REQUESTS);
        if (error) {
            increment(base + ERRORS);
        }
        increment(base + BINS + LatencyHistogram.bin(latencyMillis));
    }

    private void increment(int cell) {
        cells.setRelease(cell, cells.getPlain(cell) + 1);
    }

    /** Adds the cells of the buckets inside the window at {@code nowMillis} to {@code sum} ({@link #WIDTH} long). */
    void addTo(long nowMillis, int[] sum) {
        long newest = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        long oldest = newest - BUCKETS + 1;
        int[] bucket = new int[WIDTH];
        for (int slot = 0; slot < BUCKETS; slot++) {
            long index = stamp.getAcquire(slot);
            if (index < oldest || index > newest) {
                continue;
            }
            int base = slot * WIDTH;
            for (int i = 0; i < WIDTH; i++) {
                bucket[i] = cells.getAcquire(base + i);
            }
            if (stamp.getAcquire(slot) != index) {
                continue; // cleared for a newer bucket meanwhile
            }
            for (int i = 0; i < WIDTH; i++) {
                sum[i] += bucket[i];
            }
        }
    }

    /** The window's totals at {@code nowMillis}. */
    TrafficSummary summary(long nowMillis) {
        int[] sum = new int[WIDTH];
        addTo(nowMillis, sum);
        return summary(sum);
    }

    /** The summary of cells added up by {@link #addTo}. */
    static TrafficSummary summary(int[] sum) {
        int[] hist = java.util.Arrays.copyOfRange(sum, BINS, WIDTH);
        return new TrafficSummary(
                sum[REQUESTS],
                sum[ERRORS],
                LatencyHistogram.percentile(hist, 0.50),
                LatencyHistogram.percentile(hist, 0.95));
    }
}
