package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.SlidingWindowCounter;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/*
 * Design notes
 * - Counts per provider and per model over the last minute, hour and day, and since start. The windows
 *   are the limiter's lock-free SlidingWindowCounters (unlimited, record-only): exact under concurrency,
 *   no allocation per request, and the resolution is one second for the minute and one minute for the
 *   hour and the day.
 * - A model row counts client requests: the model that answered (with "auto": the one chosen), else the
 *   one asked for; names that are not configured are counted as "other" so rows stay bounded.
 * - A provider row counts attempts sent to it: a request that failed over counts once for each provider
 *   it tried, as an error for every failed attempt; its tokens go to the provider that answered last.
 * - Each recording thread (an event loop) has its own shard of rows, and a read adds the shards up: two
 *   event loops updating the same twelve counters per request made their cache lines bounce between the
 *   cores; the counts stay exact.
 */
/** Usage statistics for the admin API ({@code GET /api/usage}). */
public final class UsageStats implements RequestObserver {
    /** The windows reported, in order. */
    public enum Window { LAST_MINUTE, LAST_HOUR, LAST_DAY }

    private final Supplier<GatewayConfig> config;
    private final Clock clock;
    private final long startMillis;
    private final List<Shard> shards = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<Shard> shard = new FastThreadLocal<>() {
        @Override
        protected Shard initialValue() {
            Shard s = new Shard();
            shards.add(s);
            return s;
        }
    };

    /**
     * @param config the current config (its model names bound the model rows)
     * @param clock time of the windows
     */
    public UsageStats(Supplier<GatewayConfig> config, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.startMillis = clock.millis();
    }

    @Override
    public void onComplete(RequestRecord r) {
        Shard mine = shard.get();
        long now = clock.millis(); // one read for the up to 18 windows this request counts in
        String model = ModelLabels.model(config.get(), r.modelUsed() != null ? r.modelUsed() : r.modelAsked());
        series(mine.models, model).add(1, r.totalTokens(), r.failed() ? 1 : 0, now);
        List<AttemptRecord> attempts = r.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            AttemptRecord a = attempts.get(i);
            boolean last = i == attempts.size() - 1;
            series(mine.providers, a.provider())
                    .add(1, last ? r.totalTokens() : 0, "ok".equals(a.outcome()) ? 0 : 1, now);
        }
    }

    /** The row of {@code name}; a plain get first, as computeIfAbsent's lambda (it captures this) allocates. */
    private Series series(Map<String, Series> rows, String name) {
        Series s = rows.get(name);
        return s != null ? s : rows.computeIfAbsent(name, k -> new Series(clock));
    }

    /** When counting started (epoch millis). */
    public long startMillis() {
        return startMillis;
    }

    /** Milliseconds since counting started. */
    public long uptimeMillis() {
        return Math.max(0, clock.millis() - startMillis);
    }

    /** Counts of one provider; zeros when it saw no traffic. */
    public Counts provider(String name, Window window) {
        return counts(name, window, true);
    }

    public Counts providerTotal(String name) {
        return counts(name, null, true);
    }

    /** Counts of one model row ({@code other} gathers unconfigured names); zeros when it saw no traffic. */
    public Counts model(String name, Window window) {
        return counts(name, window, false);
    }

    public Counts modelTotal(String name) {
        return counts(name, null, false);
    }

    /** Every provider name with traffic since start. */
    public Set<String> providerNames() {
        Set<String> names = new HashSet<>();
        shards.forEach(s -> names.addAll(s.providers.keySet()));
        return names;
    }

    /** Every model row with traffic since start. */
    public Set<String> modelNames() {
        Set<String> names = new HashSet<>();
        shards.forEach(s -> names.addAll(s.models.keySet()));
        return names;
    }

    /** The sum over the shards; {@code window} null means since start. */
    private Counts counts(String name, Window window, boolean provider) {
        long requests = 0;
        long tokens = 0;
        long errors = 0;
        for (Shard sh : shards) {
            Series s = (provider ? sh.providers : sh.models).get(name);
            if (s == null) {
                continue;
            }
            if (window == null) {
                requests += s.totalRequests.get();
                tokens += s.totalTokens.get();
                errors += s.totalErrors.get();
            } else {
                int i = window.ordinal();
                requests += s.requests[i].current();
                tokens += s.tokens[i].current();
                errors += s.errors[i].current();
            }
        }
        return requests == 0 && tokens == 0 && errors == 0 ? Counts.ZERO : new Counts(requests, tokens, errors);
    }

    /** Requests, tokens and errors of one row in one window. */
    public record Counts(long requests, long tokens, long errors) {
        static final Counts ZERO = new Counts(0, 0, 0);
    }

    /** The rows one thread records into. */
    private static final class Shard {
        final Map<String, Series> providers = new ConcurrentHashMap<>();
        final Map<String, Series> models = new ConcurrentHashMap<>();
    }

    /** The counters of one row: per window, then since start. */
    private static final class Series {
        final SlidingWindowCounter[] requests = new SlidingWindowCounter[3];
        final SlidingWindowCounter[] tokens = new SlidingWindowCounter[3];
        final SlidingWindowCounter[] errors = new SlidingWindowCounter[3];
        // Only the shard's own thread writes (a plain add, published for readers): cheaper than LongAdder's CAS.
        final AtomicLong totalRequests = new AtomicLong();
        final AtomicLong totalTokens = new AtomicLong();
        final AtomicLong totalErrors = new AtomicLong();

        Series(Clock clock) {
            for (SlidingWindowCounter[] kind : List.of(requests, tokens, errors)) {
                kind[0] = SlidingWindowCounter.perMinute(Long.MAX_VALUE, clock);
                kind[1] = new SlidingWindowCounter(Duration.ofHours(1), 60, Long.MAX_VALUE, clock);
                kind[2] = SlidingWindowCounter.perRollingDay(Long.MAX_VALUE, clock);
            }
        }

        void add(long requestCount, long tokenCount, long errorCount, long nowMillis) {
            long t = Math.min(Math.max(0, tokenCount), SlidingWindowCounter.MAX_AMOUNT);
            for (int i = 0; i < 3; i++) {
                requests[i].record(requestCount, nowMillis);
                if (t > 0) {
                    tokens[i].record(t, nowMillis);
                }
                if (errorCount > 0) {
                    errors[i].record(errorCount, nowMillis);
                }
            }
            totalRequests.setRelease(totalRequests.getPlain() + requestCount);
            totalTokens.setRelease(totalTokens.getPlain() + t);
            totalErrors.setRelease(totalErrors.getPlain() + errorCount);
        }
    }
}
