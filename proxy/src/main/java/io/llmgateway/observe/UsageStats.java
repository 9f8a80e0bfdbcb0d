package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * What {@code GET /api/usage} shows: requests, tokens and errors per provider and per model over the last
 * minute, hour and day, and since start, read from {@link RequestStats}.
 */
public final class UsageStats {
    /** The windows reported, in order. */
    public enum Window {
        LAST_MINUTE,
        LAST_HOUR,
        LAST_DAY
    }

    private final RequestStats stats;

    public UsageStats(RequestStats stats) {
        this.stats = requireNonNull(stats, "stats");
    }

    /** When counting started (epoch millis). */
    public long startMillis() {
        return stats.startMillis();
    }

    /** Milliseconds since counting started. */
    public long uptimeMillis() {
        return stats.uptimeMillis();
    }

    /** Counts of one provider (its attempts); zeros when it saw no traffic. */
    public Counts provider(String name, Window window) {
        return windowed(name, window, true);
    }

    public Counts providerTotal(String name) {
        Map<String, long[]> outcomes = stats.attempts().get(name);
        if (outcomes == null) {
            return Counts.ZERO;
        }
        long requests = 0;
        long tokens = 0;
        long errors = 0;
        for (Map.Entry<String, long[]> e : outcomes.entrySet()) {
            requests += e.getValue()[Tally.ATTEMPTS];
            tokens += e.getValue()[Tally.ANSWER_TOKENS];
            if (!"ok".equals(e.getKey())) {
                errors += e.getValue()[Tally.ATTEMPTS];
            }
        }
        return counts(requests, tokens, errors);
    }

    /** Counts of one model row ({@code other} gathers unconfigured names); zeros when it saw no traffic. */
    public Counts model(String name, Window window) {
        return windowed(name, window, false);
    }

    public Counts modelTotal(String name) {
        long requests = 0;
        long tokens = 0;
        long errors = 0;
        for (Map.Entry<Tally.Key, long[]> e : stats.tallies().entrySet()) {
            if (e.getKey().modelCounted.equals(name)) {
                long n = e.getValue()[Tally.REQUESTS];
                requests += n;
                tokens += e.getValue()[Tally.USAGE_TOKENS];
                errors += e.getKey().failed() ? n : 0;
            }
        }
        return counts(requests, tokens, errors);
    }

    /** Every provider name with traffic since start. */
    public Set<String> providerNames() {
        return stats.usageNames(true);
    }

    /** Every model row with traffic since start. */
    public Set<String> modelNames() {
        return stats.usageNames(false);
    }

    private Counts windowed(String name, Window window, boolean provider) {
        long requests = 0;
        long tokens = 0;
        long errors = 0;
        for (UsageWindows w : stats.usageWindows(name, provider)) {
            requests += w.requests(window);
            tokens += w.tokens(window);
            errors += w.errors(window);
        }
        return counts(requests, tokens, errors);
    }

    private static Counts counts(long requests, long tokens, long errors) {
        return requests == 0 && tokens == 0 && errors == 0 ? Counts.ZERO : new Counts(requests, tokens, errors);
    }

    /** Requests, tokens and errors of one row in one window. */
    public record Counts(long requests, long tokens, long errors) {
        static final Counts ZERO = new Counts(0, 0, 0);
    }
}
