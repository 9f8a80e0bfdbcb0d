package io.llmgateway.observe;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The Prometheus latency histograms: bucket bounds in seconds (the last bucket, +Inf, counts the rest) and
 * where each keeps its bucket counts and sum in the cells of one row: a (model, stream) row holds
 * {@link #DURATION} and {@link #FIRST_BYTE}, a (provider, model) row the gateway's own time and the time to
 * first token.
 */
enum Latency {
    DURATION(0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    FIRST_BYTE(17, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    // The gateway's own time, without waits, is a matter of microseconds: hence buckets below a millisecond.
    // Connecting to a provider or a shared limits store puts it in the upper ones.
    OVERHEAD_PRE(0, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    OVERHEAD_POST(16, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    FIRST_TOKEN(32, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

    /** Cells of a (model, stream) row: both histograms' buckets and sums. */
    static final int WIDTH = 17 + 15;
    /** Cells of a (provider, model) row. */
    static final int PROVIDER_WIDTH = 16 + 16 + 15;

    private final int offset;
    private final double[] upperBounds;

    Latency(int offset, double... bounds) {
        this.offset = offset;
        upperBounds = java.util.Arrays.copyOf(bounds, bounds.length + 1);
        upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
    }

    /** The upper bounds including +Inf (a copy). */
    double[] upperBounds() {
        return upperBounds.clone();
    }

    /** Counts one observation in {@code cells}; only the calling thread writes them. */
    void observe(AtomicLongArray cells, double seconds) {
        int i = 0;
        while (i < upperBounds.length - 1 && seconds > upperBounds[i]) {
            i++;
        }
        int bucket = offset + i;
        cells.setRelease(bucket, cells.getPlain(bucket) + 1);
        int sum = offset + upperBounds.length;
        cells.setRelease(sum, Double.doubleToRawLongBits(Double.longBitsToDouble(cells.getPlain(sum)) + seconds));
    }

    /** Adds this histogram's bucket counts in {@code cells} to {@code counts}. */
    void addCounts(AtomicLongArray cells, long[] counts) {
        for (int i = 0; i < upperBounds.length; i++) {
            counts[i] += cells.getAcquire(offset + i);
        }
    }

    /** This histogram's sum in {@code cells}. */
    double sum(AtomicLongArray cells) {
        return Double.longBitsToDouble(cells.getAcquire(offset + upperBounds.length));
    }
}
