package io.llmgateway.observe;

/**
 * Requests, errors and latency over the admin page's recent window ({@link RequestStats#RECENT_WINDOW_MILLIS}).
 *
 * @param requests observations in the window
 * @param errors those that failed
 * @param p50Millis median latency, -1 when there were none
 * @param p95Millis 95th percentile latency, -1 when there were none
 */
public record TrafficSummary(int requests, int errors, long p50Millis, long p95Millis) {
    public static final TrafficSummary EMPTY = new TrafficSummary(0, 0, -1, -1);

    public double errorRate() {
        return requests == 0 ? 0.0 : (double) errors / requests;
    }
}
