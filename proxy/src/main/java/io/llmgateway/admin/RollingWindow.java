package io.llmgateway.admin;

/**
 * Counts, errors and a latency histogram over the last {@link #WINDOW_MILLIS}, in {@link #BUCKETS}
 * time buckets that are cleared as time moves past them. Single-threaded: only the admin thread adds
 * and reads.
 */
final class RollingWindow {
    static final int BUCKETS = 30;
    static final long BUCKET_MILLIS = 10_000;
    static final long WINDOW_MILLIS = BUCKETS * BUCKET_MILLIS;

    private final long[] stamp = new long[BUCKETS];
    private final int[] count = new int[BUCKETS];
    private final int[] errors = new int[BUCKETS];
    private final int[][] latency = new int[BUCKETS][LatencyHistogram.BINS];

    RollingWindow() {
        java.util.Arrays.fill(stamp, -1);
    }

    /** One observation that ended at {@code atMillis}; older than the window: ignored. */
    void add(long atMillis, long latencyMillis, boolean error) {
        long index = Math.floorDiv(atMillis, BUCKET_MILLIS);
        int slot = (int) Math.floorMod(index, BUCKETS);
        if (stamp[slot] != index) {
            if (stamp[slot] > index) {
                return; // the slot already holds a newer bucket: this one left the window
            }
            stamp[slot] = index;
            count[slot] = 0;
            errors[slot] = 0;
            java.util.Arrays.fill(latency[slot], 0);
        }
        count[slot]++;
        if (error) {
            errors[slot]++;
        }
        latency[slot][LatencyHistogram.bin(latencyMillis)]++;
    }

    /** The window's totals at {@code nowMillis}. */
    Summary summary(long nowMillis) {
        long newest = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        long oldest = newest - BUCKETS + 1;
        int n = 0;
        int e = 0;
        int[] hist = new int[LatencyHistogram.BINS];
        for (int slot = 0; slot < BUCKETS; slot++) {
            if (stamp[slot] >= oldest && stamp[slot] <= newest) {
                n += count[slot];
                e += errors[slot];
                int[] h = latency[slot];
                for (int i = 0; i < h.length; i++) {
                    hist[i] += h[i];
                }
            }
        }
        return new Summary(n, e, LatencyHistogram.percentile(hist, 0.50), LatencyHistogram.percentile(hist, 0.95));
    }

    /**
     * @param requests observations in the window
     * @param errors those that failed
     * @param p50Millis median latency, -1 when there were none
     * @param p95Millis 95th percentile latency, -1 when there were none
     */
    record Summary(int requests, int errors, long p50Millis, long p95Millis) {
        static final Summary EMPTY = new Summary(0, 0, -1, -1);

        double errorRate() {
            return requests == 0 ? 0.0 : (double) errors / requests;
        }
    }
}
