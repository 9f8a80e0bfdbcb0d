package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.observe.RequestStats;
import io.llmgateway.observe.TrafficSummary;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What the admin page shows about traffic: from {@link RequestStats}, requests and errors per second for
 * the last {@link #SERIES_SECONDS} seconds, latency percentiles and error rates per provider and per model
 * route over the recent window, and the totals; from the {@link RequestRecord}s the admin thread drains, the
 * latest requests and the latest errors.
 *
 * <p>Latency and errors of a provider come from its attempts (a failed attempt that a failover
 * rescued still counts against the provider that failed); {@code cancelled} attempts (the client
 * left) count as neither success nor error. Single-threaded: only the admin thread calls it.
 */
final class TrafficStats {
    static final int SERIES_SECONDS = RequestStats.SERIES_SECONDS;
    static final long WINDOW_MILLIS = RequestStats.RECENT_WINDOW_MILLIS;
    static final int RECENT_REQUESTS = 200;

    private final RequestStats requests;
    private final LongSupplier clock;
    private final SeqRing<AdminError> errors;
    private final SeqRing<RequestRecord> recent = new SeqRing<>(RECENT_REQUESTS);

    TrafficStats(RequestStats requests, LongSupplier clock, SeqRing<AdminError> errors) {
        this.requests = requireNonNull(requests, "requests");
        this.clock = requireNonNull(clock, "clock");
        this.errors = requireNonNull(errors, "errors");
    }

    /** Keeps a finished request for the page's lists; {@link RequestStats} counts it. */
    void add(RequestRecord r) {
        recent.add(r);
        boolean failed = r.failed();
        boolean attemptFailed = false;
        for (AttemptRecord a : r.attempts()) {
            attemptFailed |= !"cancelled".equals(a.outcome()) && !"ok".equals(a.outcome());
        }
        if (failed || attemptFailed) {
            long end = r.startEpochMillis() + Math.max(0, r.totalMillis());
            errors.add(new AdminError(
                    end,
                    "request",
                    r.modelAsked(),
                    r.provider(),
                    r.status(),
                    failed ? r.errorType() : "failover",
                    failed ? r.errorMessage() : attempts(r.attempts()),
                    r.requestId()));
        }
    }

    static String routeKey(String model, String provider) {
        return model + '\n' + provider;
    }

    TrafficSummary provider(String name) {
        return requests.provider(name, clock.getAsLong());
    }

    TrafficSummary route(String model, String provider) {
        return requests.route(model, provider, clock.getAsLong());
    }

    TrafficSummary overall() {
        return requests.overall(clock.getAsLong());
    }

    long totalRequests() {
        return requests.totalRequests();
    }

    long totalErrors() {
        return requests.totalErrors();
    }

    /** Requests (index 0) and errors (index 1) per second, oldest first, ending with the current second. */
    int[][] perSecond() {
        return requests.perSecond(clock.getAsLong());
    }

    List<SeqRing.Entry<RequestRecord>> recent(long afterSeq, int limit) {
        return recent.newerThan(afterSeq, limit);
    }

    long lastRequestSeq() {
        return recent.lastSeq();
    }

    private static String attempts(List<AttemptRecord> attempts) {
        StringBuilder sb = new StringBuilder();
        for (AttemptRecord a : attempts) {
            if (sb.length() > 0) {
                sb.append(" -> ");
            }
            sb.append(a.provider()).append(": ").append(a.outcome());
            if (a.status() > 0) {
                sb.append(' ').append(a.status());
            }
            sb.append(" (").append(a.millis()).append(" ms)");
        }
        return sb.toString();
    }
}
