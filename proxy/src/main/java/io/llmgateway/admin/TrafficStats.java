package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the admin page shows about traffic, built from {@link RequestRecord}s on the admin thread:
 * requests and errors per second for the last {@link #SERIES_SECONDS} seconds, latency percentiles
 * and error rates per provider and per model route over a {@link RollingWindow}, the latest requests
 * and the latest errors.
 *
 * <p>Latency and errors of a provider come from its attempts (a failed attempt that a failover
 * rescued still counts against the provider that failed); {@code cancelled} attempts (the client
 * left) count as neither success nor error. Single-threaded: only the admin thread calls it.
 */
final class TrafficStats {
    static final int SERIES_SECONDS = 300;
    static final int RECENT_REQUESTS = 200;
    private static final int MAX_KEYS = 1000;

    private final LongSupplier clock;
    private final SeqRing<AdminError> errors;
    private final long[] secondStamp = new long[SERIES_SECONDS];
    private final int[] secondRequests = new int[SERIES_SECONDS];
    private final int[] secondErrors = new int[SERIES_SECONDS];
    private final RollingWindow all = new RollingWindow();
    private final Map<String, RollingWindow> providers = new HashMap<>();
    private final Map<String, RollingWindow> routes = new HashMap<>();
    private final SeqRing<RequestRecord> recent = new SeqRing<>(RECENT_REQUESTS);
    private long totalRequests;
    private long totalErrors;

    TrafficStats(LongSupplier clock, SeqRing<AdminError> errors) {
        this.clock = requireNonNull(clock, "clock");
        this.errors = requireNonNull(errors, "errors");
        java.util.Arrays.fill(secondStamp, -1);
    }

    void add(RequestRecord r) {
        long end = r.startEpochMillis() + Math.max(0, r.totalMillis());
        boolean failed = r.failed();
        totalRequests++;
        if (failed) {
            totalErrors++;
        }
        countSecond(end, failed);
        all.add(end, r.totalMillis(), failed);
        boolean attemptFailed = false;
        for (AttemptRecord a : r.attempts()) {
            if ("cancelled".equals(a.outcome())) {
                continue;
            }
            boolean error = !"ok".equals(a.outcome());
            attemptFailed |= error;
            window(providers, a.provider()).add(end, a.millis(), error);
            window(routes, routeKey(a.model(), a.provider())).add(end, a.millis(), error);
        }
        recent.add(r);
        if (failed || attemptFailed) {
            errors.add(new AdminError(end, "request", r.modelAsked(), r.provider(), r.status(),
                    failed ? r.errorType() : "failover", failed ? r.errorMessage() : attempts(r.attempts()),
                    r.requestId()));
        }
    }

    static String routeKey(String model, String provider) {
        return model + '\n' + provider;
    }

    RollingWindow.Summary provider(String name) {
        RollingWindow w = providers.get(name);
        return w == null ? RollingWindow.Summary.EMPTY : w.summary(clock.getAsLong());
    }

    RollingWindow.Summary route(String model, String provider) {
        RollingWindow w = routes.get(routeKey(model, provider));
        return w == null ? RollingWindow.Summary.EMPTY : w.summary(clock.getAsLong());
    }

    RollingWindow.Summary overall() {
        return all.summary(clock.getAsLong());
    }

    long totalRequests() {
        return totalRequests;
    }

    long totalErrors() {
        return totalErrors;
    }

    /** Requests (index 0) and errors (index 1) per second, oldest first, ending with the current second. */
    int[][] perSecond() {
        long now = Math.floorDiv(clock.getAsLong(), 1000);
        int[][] out = new int[2][SERIES_SECONDS];
        for (int i = 0; i < SERIES_SECONDS; i++) {
            long second = now - SERIES_SECONDS + 1 + i;
            int slot = (int) Math.floorMod(second, SERIES_SECONDS);
            if (secondStamp[slot] == second) {
                out[0][i] = secondRequests[slot];
                out[1][i] = secondErrors[slot];
            }
        }
        return out;
    }

    List<SeqRing.Entry<RequestRecord>> recent(long afterSeq, int limit) {
        return recent.newerThan(afterSeq, limit);
    }

    long lastRequestSeq() {
        return recent.lastSeq();
    }

    private void countSecond(long endMillis, boolean failed) {
        long second = Math.floorDiv(endMillis, 1000);
        int slot = (int) Math.floorMod(second, SERIES_SECONDS);
        if (secondStamp[slot] != second) {
            if (secondStamp[slot] > second) {
                return;
            }
            secondStamp[slot] = second;
            secondRequests[slot] = 0;
            secondErrors[slot] = 0;
        }
        secondRequests[slot]++;
        if (failed) {
            secondErrors[slot]++;
        }
    }

    private static RollingWindow window(Map<String, RollingWindow> map, String key) {
        RollingWindow w = map.get(key);
        if (w == null) {
            if (map.size() >= MAX_KEYS) {
                map.clear(); // names come from the config, so this only happens after many renames
            }
            w = new RollingWindow();
            map.put(key, w);
        }
        return w;
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
