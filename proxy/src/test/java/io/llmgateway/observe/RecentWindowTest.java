package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** LatencyHistogram and RecentWindow. */
class RecentWindowTest {

    @Test
    void histogram_binsAreExactToTenMillisThenWithinTenPercent() {
        for (long ms = 0; ms <= 10; ms++) {
            assertEquals(ms, LatencyHistogram.upper(LatencyHistogram.bin(ms)));
        }
        for (long ms : new long[] {11, 57, 999, 12_345, 600_000, 3_600_000}) {
            long upper = LatencyHistogram.upper(LatencyHistogram.bin(ms));
            assertTrue(upper >= ms && upper <= Math.ceil(ms * 1.1) + 1, ms + " -> " + upper);
        }
        assertEquals(Long.MAX_VALUE, LatencyHistogram.upper(LatencyHistogram.bin(Long.MAX_VALUE)));
        assertEquals(0, LatencyHistogram.bin(-5));
    }

    @Test
    void histogram_percentile() {
        int[] h = new int[LatencyHistogram.BINS];
        assertEquals(-1, LatencyHistogram.percentile(h, 0.5));
        h[LatencyHistogram.bin(5)] = 9;
        h[LatencyHistogram.bin(100)] = 1;
        assertEquals(5, LatencyHistogram.percentile(h, 0.5));
        assertEquals(5, LatencyHistogram.percentile(h, 0.9));
        assertTrue(LatencyHistogram.percentile(h, 0.95) >= 100);
    }

    @Test
    void window_oldObservationIgnored() {
        RecentWindow w = new RecentWindow();
        long t = 1_000_000_000L;
        w.add(t, 10, false);
        w.add(t + RecentWindow.WINDOW_MILLIS, 20, true); // reuses the first slot
        w.add(t, 30, false); // too old now: ignored instead of corrupting the newer bucket
        TrafficSummary s = w.summary(t + RecentWindow.WINDOW_MILLIS);
        assertEquals(1, s.requests());
        assertEquals(1, s.errors());
        assertEquals(1.0, s.errorRate());
    }
}
