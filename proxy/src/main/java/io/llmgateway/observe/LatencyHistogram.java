package io.llmgateway.observe;

import java.util.Arrays;

/**
 * Fixed latency bins for percentiles without keeping samples: 1 ms steps up to 10 ms, then each bin
 * about 10% wider than the one before, up to an hour. A percentile is reported as the upper edge of the
 * bin it falls into, so it is at most about 10% above the true value and never below it.
 */
final class LatencyHistogram {
    private static final long[] UPPER = bounds();
    static final int BINS = UPPER.length;

    private LatencyHistogram() {}

    private static long[] bounds() {
        long[] b = new long[256];
        int n = 0;
        for (long ms = 0; ms <= 10; ms++) {
            b[n++] = ms;
        }
        while (b[n - 1] < 3_600_000) {
            b[n] = Math.max(b[n - 1] + 1, (long) Math.ceil(b[n - 1] * 1.1));
            n++;
        }
        b[n++] = Long.MAX_VALUE;
        return Arrays.copyOf(b, n);
    }

    /** The bin of a latency: the first whose upper edge is at least {@code millis}. */
    static int bin(long millis) {
        int i = Arrays.binarySearch(UPPER, Math.max(0, millis));
        return i >= 0 ? i : -i - 1;
    }

    /** The upper edge of a bin, in milliseconds. */
    static long upper(int bin) {
        return UPPER[bin];
    }

    /**
     * The {@code q}-quantile (0 < q <= 1) of the counts in {@code hist}, or -1 when it is empty.
     */
    static long percentile(int[] hist, double q) {
        long total = 0;
        for (int c : hist) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= rank) {
                return UPPER[i];
            }
        }
        return UPPER[hist.length - 1];
    }
}
