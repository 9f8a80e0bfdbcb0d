package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.SlidingWindowCounter;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Design notes
 * - The one place that counts request records. Three views read it and count nothing themselves: the
 *   admin page (admin.TrafficStats), /api/usage (UsageStats) and /metrics (GatewayMetrics).
 * - Since start, each record adds to one Tally, keyed by the labels the views group by (model asked,
 *   model counted, provider, status, error type, token source), its latencies to the histogram row of
 *   (model asked, stream) and, when a provider was called, of (provider, model asked), and each attempt to
 *   one (provider, outcome) tally. Every since-start number
 *   the views show is a sum over these: Prometheus' request, error, token, failover and attempt counters
 *   and its latency histograms, the usage totals, the admin page's totals. Labels are bounded
 *   (ModelLabels), so the rows are too.
 * - The windows differ in what they count, so each is kept once for the view that shows it: /api/usage
 *   counts requests, tokens and errors per provider and per model over the last minute, hour and day by
 *   when a record arrives, a failed attempt (even a cancelled one) as an error of its provider; the admin
 *   page shows provider health over five minutes by when a request ended, with latency bins, leaving
 *   cancelled attempts out, and requests and errors per second.
 * - A model row of /api/usage counts client requests under the model that answered (with "auto": the one
 *   chosen), else the one asked for; a provider row counts the attempts sent to it, its tokens going to the
 *   provider that answered last. Prometheus labels requests by the model asked for.
 * - Each recording thread (an event loop) has its own shard, and a read adds the shards up: no counter is
 *   written by two cores, so a write is a plain add published with a release store, and the counts stay
 *   exact. Looking a row up allocates nothing once its labels were seen.
 */
/** The counts and windows of finished requests that the admin page, {@code /api/usage} and {@code /metrics} show. */
public final class RequestStats implements RequestObserver {
    /** The admin page's recent window. */
    public static final long RECENT_WINDOW_MILLIS = RecentWindow.WINDOW_MILLIS;
    /** The time resolution of the recent window. */
    public static final long RECENT_BUCKET_MILLIS = RecentWindow.BUCKET_MILLIS;
    /** The length of {@link #perSecond}. */
    public static final int SERIES_SECONDS = SecondSeries.SECONDS;
    /** Names in the recent windows of one shard; names come from the config, so more means many renames. */
    private static final int MAX_RECENT_KEYS = 1000;

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
     * @param config the current config (its model names bound the model labels)
     * @param clock time of the usage windows
     */
    public RequestStats(Supplier<GatewayConfig> config, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.startMillis = clock.millis();
    }

    @Override
    public void onComplete(RequestRecord r) {
        Shard mine = shard.get();
        long now = clock.millis(); // one read for every usage window this request counts in
        GatewayConfig current = config.get();
        String asked = ModelLabels.model(current, r.modelAsked());
        String counted = ModelLabels.model(current, r.modelUsed() != null ? r.modelUsed() : r.modelAsked());
        long usageTokens = Math.min(Math.max(0, r.totalTokens()), SlidingWindowCounter.MAX_AMOUNT);
        boolean failed = r.failed();
        List<AttemptRecord> attempts = r.attempts();

        AtomicLongArray t = mine.tally(
                asked, counted, ModelLabels.provider(r.provider()), r.status(), r.errorType(), r.tokensEstimated());
        Tally.add(t, Tally.REQUESTS, 1);
        if (r.promptTokens() > 0) {
            Tally.add(t, Tally.PROMPT_TOKENS, r.promptTokens());
        }
        if (r.completionTokens() > 0) {
            Tally.add(t, Tally.COMPLETION_TOKENS, r.completionTokens());
        }
        if (r.cacheCreationTokens() > 0) {
            Tally.add(t, Tally.CACHE_CREATION_TOKENS, r.cacheCreationTokens());
        }
        if (r.cacheReadTokens() > 0) {
            Tally.add(t, Tally.CACHE_READ_TOKENS, r.cacheReadTokens());
        }
        Tally.add(t, Tally.USAGE_TOKENS, usageTokens);
        if (attempts.size() > 1) {
            Tally.add(t, Tally.FAILOVERS, attempts.size() - 1);
        }
        AtomicLongArray latency = mine.latency(asked, r.stream());
        Latency.DURATION.observe(latency, r.totalMillis() / 1000.0);
        if (r.firstByteMillis() >= 0) {
            Latency.FIRST_BYTE.observe(latency, r.firstByteMillis() / 1000.0);
        }
        if (r.provider() != null && r.gatewayPreNanos() >= 0) {
            providerLatency(mine.providerLatency(r.provider(), asked), r);
        }
        mine.usage(mine.usageModels, counted).add(1, usageTokens, failed ? 1 : 0, now);

        long end = r.startEpochMillis() + Math.max(0, r.totalMillis());
        mine.perSecond.add(end, failed);
        mine.overall.add(end, r.totalMillis(), failed);
        for (int i = 0; i < attempts.size(); i++) {
            AttemptRecord a = attempts.get(i);
            boolean last = i == attempts.size() - 1;
            boolean ok = "ok".equals(a.outcome());
            long tokens = last ? usageTokens : 0;
            AtomicLongArray at = mine.attempt(a.provider(), a.outcome());
            Tally.add(at, Tally.ATTEMPTS, 1);
            Tally.add(at, Tally.ANSWER_TOKENS, tokens);
            mine.usage(mine.usageProviders, a.provider()).add(1, tokens, ok ? 0 : 1, now);
            if (!"cancelled".equals(a.outcome())) { // the client left: neither a success nor an error of the provider
                mine.recent(mine.recentProviders, a.provider()).add(end, a.millis(), !ok);
                if (a.model() != null) {
                    mine.recent(mine.route(a.model()), a.provider()).add(end, a.millis(), !ok);
                }
            }
        }
    }

    /** The gateway's own time of a request sent to a provider, and a stream's time to its first token. */
    private static void providerLatency(AtomicLongArray cells, RequestRecord r) {
        Latency.OVERHEAD_PRE.observe(cells, r.gatewayPreNanos() / 1e9);
        if (r.gatewayPostNanos() >= 0) {
            Latency.OVERHEAD_POST.observe(cells, r.gatewayPostNanos() / 1e9);
            if (r.stream() && r.status() / 100 == 2 && r.firstByteMillis() >= 0) {
                Latency.FIRST_TOKEN.observe(cells, r.firstByteMillis() / 1000.0);
            }
        }
    }

    /** When counting started (epoch millis). */
    public long startMillis() {
        return startMillis;
    }

    /** Milliseconds since counting started. */
    public long uptimeMillis() {
        return Math.max(0, clock.millis() - startMillis);
    }

    /** Requests since start. */
    public long totalRequests() {
        long n = 0;
        for (Shard s : shards) {
            for (AtomicLongArray t : s.tallies.values()) {
                n += t.getAcquire(Tally.REQUESTS);
            }
        }
        return n;
    }

    /** Failed requests since start. */
    public long totalErrors() {
        long n = 0;
        for (Shard s : shards) {
            for (Map.Entry<Tally.Key, AtomicLongArray> e : s.tallies.entrySet()) {
                if (e.getKey().failed()) {
                    n += e.getValue().getAcquire(Tally.REQUESTS);
                }
            }
        }
        return n;
    }

    /** A provider's attempts over the recent window at {@code nowMillis} (cancelled ones left out). */
    public TrafficSummary provider(String name, long nowMillis) {
        return recent(nowMillis, s -> s.recentProviders.get(name));
    }

    /** The attempts of one model's route to a provider over the recent window. */
    public TrafficSummary route(String model, String provider, long nowMillis) {
        return recent(nowMillis, s -> {
            Map<String, RecentWindow> byProvider = s.recentRoutes.get(model);
            return byProvider == null ? null : byProvider.get(provider);
        });
    }

    /** Every request over the recent window. */
    public TrafficSummary overall(long nowMillis) {
        return recent(nowMillis, s -> s.overall);
    }

    /** Requests (index 0) and errors (index 1) per second, oldest first, ending with the second of {@code nowMillis}. */
    public int[][] perSecond(long nowMillis) {
        int[][] sum = new int[2][SERIES_SECONDS];
        for (Shard s : shards) {
            s.perSecond.addTo(nowMillis, sum);
        }
        return sum;
    }

    private TrafficSummary recent(long nowMillis, Function<Shard, RecentWindow> pick) {
        int[] sum = null;
        for (Shard s : shards) {
            RecentWindow w = pick.apply(s);
            if (w != null) {
                if (sum == null) {
                    sum = new int[RecentWindow.WIDTH];
                }
                w.addTo(nowMillis, sum);
            }
        }
        return sum == null ? TrafficSummary.EMPTY : RecentWindow.summary(sum);
    }

    /** The request tallies since start, added up over the shards. */
    Map<Tally.Key, long[]> tallies() {
        Map<Tally.Key, long[]> sum = new HashMap<>();
        for (Shard s : shards) {
            s.tallies.forEach((k, cells) -> {
                long[] into = sum.computeIfAbsent(k, x -> new long[Tally.WIDTH]);
                for (int i = 0; i < Tally.WIDTH; i++) {
                    into[i] += cells.getAcquire(i);
                }
            });
        }
        return sum;
    }

    /** Calls {@code each} with every shard's latency cells ({@link Latency}) of one model asked for and stream. */
    void forEachLatency(LatencyVisitor each) {
        for (Shard s : shards) {
            s.latency.forEach((model, byStream) -> {
                for (int i = 0; i < 2; i++) {
                    AtomicLongArray cells = byStream.get(i);
                    if (cells != null) {
                        each.visit(model, i == 1, cells);
                    }
                }
            });
        }
    }

    interface LatencyVisitor {
        void visit(String modelAsked, boolean stream, AtomicLongArray cells);
    }

    /** Calls {@code each} with every shard's cells ({@link Latency#PROVIDER_WIDTH}) of one provider and model asked. */
    void forEachProviderLatency(ProviderLatencyVisitor each) {
        for (Shard s : shards) {
            s.providerLatency.forEach(
                    (provider, byModel) -> byModel.forEach((model, cells) -> each.visit(provider, model, cells)));
        }
    }

    interface ProviderLatencyVisitor {
        void visit(String provider, String modelAsked, AtomicLongArray cells);
    }

    /** Attempts and the tokens of the answering ones ({@link Tally#ATTEMPTS}...), by provider and outcome, since start. */
    Map<String, Map<String, long[]>> attempts() {
        Map<String, Map<String, long[]>> sum = new HashMap<>();
        for (Shard s : shards) {
            s.attempts.forEach((provider, outcomes) -> outcomes.forEach((outcome, cells) -> {
                long[] into = sum.computeIfAbsent(provider, x -> new HashMap<>())
                        .computeIfAbsent(outcome, x -> new long[Tally.ATTEMPT_WIDTH]);
                into[Tally.ATTEMPTS] += cells.getAcquire(Tally.ATTEMPTS);
                into[Tally.ANSWER_TOKENS] += cells.getAcquire(Tally.ANSWER_TOKENS);
            }));
        }
        return sum;
    }

    /** The names of the provider ({@code provider} true) or model rows with usage windows: those with traffic. */
    Set<String> usageNames(boolean provider) {
        Set<String> names = new HashSet<>();
        shards.forEach(s -> names.addAll((provider ? s.usageProviders : s.usageModels).keySet()));
        return names;
    }

    /** The usage windows of a provider ({@code provider} true) or model row, one per shard that has it. */
    List<UsageWindows> usageWindows(String name, boolean provider) {
        List<UsageWindows> out = new ArrayList<>();
        for (Shard s : shards) {
            UsageWindows w = (provider ? s.usageProviders : s.usageModels).get(name);
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** The rows one thread records into; other threads only read them. */
    private final class Shard {
        final Map<Tally.Key, AtomicLongArray> tallies = new ConcurrentHashMap<>();
        final Map<String, Map<String, AtomicLongArray>> attempts = new ConcurrentHashMap<>();
        /** Model asked for -> [not stream, stream] -> Latency cells. */
        final Map<String, AtomicReferenceArray<AtomicLongArray>> latency = new ConcurrentHashMap<>();
        /** Provider -> model asked for -> Latency cells of the gateway's own time and the first token. */
        final Map<String, Map<String, AtomicLongArray>> providerLatency = new ConcurrentHashMap<>();

        final Map<String, UsageWindows> usageProviders = new ConcurrentHashMap<>();
        final Map<String, UsageWindows> usageModels = new ConcurrentHashMap<>();
        final RecentWindow overall = new RecentWindow();
        final Map<String, RecentWindow> recentProviders = new ConcurrentHashMap<>();
        final Map<String, Map<String, RecentWindow>> recentRoutes = new ConcurrentHashMap<>();
        final SecondSeries perSecond = new SecondSeries();
        private final Tally.Key probe = new Tally.Key();

        // Each look-up tries a plain get first, as computeIfAbsent's lambda (it captures) allocates.

        AtomicLongArray tally(
                String modelAsked,
                String modelCounted,
                String provider,
                int status,
                String errorType,
                boolean tokensEstimated) {
            probe.set(modelAsked, modelCounted, provider, status, errorType, tokensEstimated);
            AtomicLongArray t = tallies.get(probe);
            return t != null ? t : tallies.computeIfAbsent(probe.copy(), k -> new AtomicLongArray(Tally.WIDTH));
        }

        AtomicLongArray latency(String modelAsked, boolean stream) {
            AtomicReferenceArray<AtomicLongArray> byStream = latency.get(modelAsked);
            if (byStream == null) {
                byStream = latency.computeIfAbsent(modelAsked, k -> new AtomicReferenceArray<>(2));
            }
            int i = stream ? 1 : 0;
            AtomicLongArray cells = byStream.getPlain(i);
            if (cells == null) {
                cells = new AtomicLongArray(Latency.WIDTH);
                byStream.setRelease(i, cells);
            }
            return cells;
        }

        AtomicLongArray providerLatency(String provider, String modelAsked) {
            Map<String, AtomicLongArray> byModel = providerLatency.get(provider);
            if (byModel == null) {
                byModel = providerLatency.computeIfAbsent(provider, k -> new ConcurrentHashMap<>());
            }
            AtomicLongArray a = byModel.get(modelAsked);
            return a != null
                    ? a
                    : byModel.computeIfAbsent(modelAsked, k -> new AtomicLongArray(Latency.PROVIDER_WIDTH));
        }

        AtomicLongArray attempt(String provider, String outcome) {
            Map<String, AtomicLongArray> byOutcome = attempts.get(provider);
            if (byOutcome == null) {
                byOutcome = attempts.computeIfAbsent(provider, k -> new ConcurrentHashMap<>());
            }
            AtomicLongArray a = byOutcome.get(outcome);
            return a != null ? a : byOutcome.computeIfAbsent(outcome, k -> new AtomicLongArray(Tally.ATTEMPT_WIDTH));
        }

        UsageWindows usage(Map<String, UsageWindows> rows, String name) {
            UsageWindows w = rows.get(name);
            return w != null ? w : rows.computeIfAbsent(name, k -> new UsageWindows(clock));
        }

        Map<String, RecentWindow> route(String model) {
            Map<String, RecentWindow> byProvider = recentRoutes.get(model);
            if (byProvider == null) {
                if (recentRoutes.size() >= MAX_RECENT_KEYS) {
                    recentRoutes.clear();
                }
                byProvider = recentRoutes.computeIfAbsent(model, k -> new ConcurrentHashMap<>());
            }
            return byProvider;
        }

        RecentWindow recent(Map<String, RecentWindow> windows, String name) {
            RecentWindow w = windows.get(name);
            if (w == null) {
                if (windows.size() >= MAX_RECENT_KEYS) {
                    windows.clear();
                }
                w = windows.computeIfAbsent(name, k -> new RecentWindow());
            }
            return w;
        }
    }
}
