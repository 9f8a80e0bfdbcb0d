package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.limit.RedisConnection;
import io.llmgateway.limit.SharedBudgets;
import io.llmgateway.limit.SharedWindows;
import io.llmgateway.limit.WindowSpec;
import io.llmgateway.spend.Budgets;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The shared limits store of one router: Redis windows and health, the fallback to local counters, and
 * the background poll that keeps this instance in step with the others.
 *
 * <p>Design notes.
 * <ul>
 * <li>Two modes. SHARED: every admission is one reservation script in Redis, exact across instances.
 *     FALLBACK: Redis failed or did not answer within {@code limits_store_timeout}; admissions use this
 *     process's counters, whose limits are {@code limits_store_fallback_share} of the configured ones,
 *     so N instances together stay near the real limits without talking to each other. The first failed
 *     reservation switches to FALLBACK at once, so a dead Redis costs at most one timeout per request
 *     already in flight, never one per later request.</li>
 * <li>Local counters keep counting in SHARED mode too (each instance records what it admitted), so a
 *     fallback starts from what this instance already spent in the current windows, not from zero.</li>
 * <li>A poll every {@value #POLL_MILLIS} ms, on its own thread, reads every provider's shared counts (for
 *     headroom and the admin page), the shared circuit openings and the reset counters. In FALLBACK it is
 *     also the probe: when a poll succeeds again, the requests admitted locally meanwhile are added to
 *     the shared windows first, then this instance returns to SHARED.</li>
 * <li>Redis may come back empty (no persistence, a flush, a failover to an empty replica). A marker key
 *     with a random value names the data set; when it changes, each instance adds its own local counts
 *     of the current windows (which hold exactly what it admitted, shared or not), so the shared
 *     windows are rebuilt from their parts instead of starting from zero.</li>
 * <li>Budgets in money ride along (the same reservation script, the same poll and fallback): see
 *     {@link SharedSpend}.</li>
 * </ul>
 */
final class SharedStore implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SharedStore.class);
    static final long POLL_MILLIS = 500;
    private static final String CONNECTING = "connecting";

    private final RedisConnection redis;
    private final SharedWindows windows;
    private final SharedHealth health;
    private final SharedSpend spend;
    private final Clock clock;
    private final Supplier<RoutingTable> table;
    private final String location;
    private final ScheduledExecutorService poller;
    private final Map<String, String> seenResets = new ConcurrentHashMap<>();
    private volatile boolean resetsKnown;
    /** The data set marker last seen; poller thread only. */
    private String knownMarker;

    private volatile LimitsStoreSettings settings;
    private volatile StoreStatus status;
    private volatile boolean closed;

    SharedStore(LimitsStoreSettings settings, Clock clock, Supplier<RoutingTable> table) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        this.table = requireNonNull(table, "table");
        if (!settings.shared()) {
            throw new IllegalArgumentException("settings: " + settings + " (expected: a Redis store)");
        }
        this.location = settings.location();
        this.redis = new RedisConnection(settings.uri(), location, settings.timeout());
        this.windows = new SharedWindows(redis);
        this.health = new SharedHealth(redis);
        this.spend = new SharedSpend(redis, clock);
        this.status = new StoreStatus(StoreStatus.Mode.FALLBACK, location, clock.millis(), CONNECTING);
        this.poller = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("limits-store", true));
    }

    /** Connects and reads the shared state once (blocking, a few seconds at most), then polls in the background. */
    void start() {
        poll();
        poller.scheduleWithFixedDelay(this::pollQuietly, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    StoreStatus status() {
        return status;
    }

    boolean isShared() {
        return status.mode() == StoreStatus.Mode.SHARED;
    }

    /** Applies reloaded settings: timeout and share at once; another URI needs a restart. */
    void settings(LimitsStoreSettings newSettings) {
        requireNonNull(newSettings, "newSettings");
        if (!newSettings.shared() || !newSettings.uri().equals(settings.uri())) {
            LOG.warn(
                    "limits_store changed to {}: still using {} until the gateway restarts",
                    newSettings.location(),
                    location);
            newSettings = new LimitsStoreSettings(settings.uri(), newSettings.timeout(), newSettings.fallbackShare());
        }
        settings = newSettings;
        redis.timeout(newSettings.timeout());
    }

    /** The limits this instance enforces alone in FALLBACK: the configured share of each (at least 1). */
    Limits localLimits(Limits limits) {
        double share = settings.fallbackShare();
        return new Limits(
                scale(limits.rpm(), share), scale(limits.tpm(), share), scale(limits.rpd(), share), limits.tpr());
    }

    private static long scale(long limit, double share) {
        if (limit == Limits.UNLIMITED || share >= 1.0) {
            return limit;
        }
        return Math.max(1, (long) Math.ceil(limit * share));
    }

    /** Reserves windows and budgets in one atomic step (see {@link SharedWindows} and {@link SharedSpend}). */
    CompletableFuture<SharedWindows.Reservation> reserve(
            WindowSpec[] candidates,
            int count,
            long tokens,
            long now,
            SharedBudgets.@Nullable Account keyBudget,
            SharedBudgets.@Nullable Account[] providerBudgets,
            long[] worstNanos) {
        return windows.reserve(candidates, count, tokens, now, keyBudget, providerBudgets, worstNanos);
    }

    /** The budgets kept in Redis. */
    SharedSpend spend() {
        return spend;
    }

    /**
     * Keeps the budgets of {@code budgets} in Redis from now on (see {@link SharedSpend}); blocks up to a few
     * seconds, like {@link #start()}.
     */
    void useBudgets(Budgets budgets) {
        spend.use(budgets, Math.max(2 * settings.timeout().toMillis(), 1000));
        budgets.onReset(spend::reset);
        if (!isShared()) {
            spend.fellBack(settings.fallbackShare());
        }
    }

    /** Corrects a shared token reservation; fire and forget (a lost correction leaves the estimate counted). */
    void adjust(WindowSpec spec, long ticket, long delta) {
        windows.adjust(spec, ticket, delta, clock.millis()).whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("limits_store: a settlement for {} was lost: {}", spec.provider(), describe(e));
            }
        });
    }

    /** Tells the other instances about a circuit opening of ours; fire and forget. */
    void publishOpen(String provider, long untilMillis, boolean keyRejected) {
        health.publishOpen(provider, untilMillis, keyRejected).whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("limits_store: could not share the opening of {}: {}", provider, describe(e));
            }
        });
    }

    /**
     * Deletes the shared windows and openings and tells every instance to reset ({@code provider} null:
     * all). This instance resets its own view again once Redis has done it: a poll that read an opening
     * just before it was deleted may have brought it back meanwhile. (Its poller then also sees the reset
     * counter move, and resets once more: harmless.)
     */
    CompletableFuture<Long> reset(Collection<String> providers, String provider) {
        boolean all = provider == null;
        return windows.reset(providers)
                .thenCompose(n -> health.reset(providers, all, provider))
                .whenComplete((generation, e) -> {
                    if (e != null) {
                        LOG.warn("limits_store: the reset did not reach {}: {}", location, describe(e));
                        return;
                    }
                    RoutingTable t = table.get();
                    for (String name : providers) {
                        ProviderState s = t.providers.get(name);
                        if (s != null) {
                            s.reset();
                        }
                    }
                });
    }

    /** A reservation failed or timed out: count locally until a poll finds the store healthy again. */
    void fellBack(Throwable cause) {
        StoreStatus s = status;
        if (s.mode() == StoreStatus.Mode.SHARED && !closed) {
            enterFallback(describe(cause));
        }
    }

    private synchronized void enterFallback(String why) {
        if (status.mode() == StoreStatus.Mode.FALLBACK && !status.detail().equals(CONNECTING)) {
            return;
        }
        status = new StoreStatus(StoreStatus.Mode.FALLBACK, location, clock.millis(), why);
        spend.fellBack(settings.fallbackShare());
        LOG.warn(
                "limits_store {} unavailable ({}): counting locally with {}% of each limit until it is back",
                location, why, Math.round(settings.fallbackShare() * 1000) / 10.0);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("limits_store: poll failed", e);
        }
    }

    /** One round of the background poll (also the probe in FALLBACK). Runs on the poller thread only. */
    void poll() {
        if (closed) {
            return;
        }
        if (!redis.hasConnected()) {
            try {
                redis.connect();
            } catch (RuntimeException e) {
                enterFallback("cannot connect: " + describe(e));
                return;
            }
        }
        RoutingTable t = table.get();
        List<ProviderState> states = new ArrayList<>(t.providers.values());
        List<WindowSpec> specs = new ArrayList<>(states.size());
        List<String> names = new ArrayList<>(states.size());
        for (ProviderState s : states) {
            specs.add(s.spec());
            names.add(s.name);
        }
        long now = clock.millis();
        try {
            boolean recovering = !isShared();
            CompletableFuture<String> marker = health.marker(UUID.randomUUID().toString());
            CompletableFuture<Map<String, String>> resets = health.resets();
            CompletableFuture<Map<String, SharedHealth.Opening>> openings = health.openings(names);
            CompletableFuture<long[]> counts = windows.current(specs, now);
            long wait = Math.max(2 * settings.timeout().toMillis(), 1000);
            CompletableFuture.allOf(marker, resets, openings, counts).get(wait, TimeUnit.MILLISECONDS);
            applyResets(t, resets.join());
            applyOpenings(t, openings.join(), now);
            String m = marker.join();
            boolean lost = knownMarker != null && !knownMarker.equals(m);
            if (lost) {
                LOG.warn(
                        "limits_store {} lost its data (restarted without persistence?): adding this instance's "
                                + "counts of the current windows",
                        location);
                restoreLocalCounts(states, now, wait);
                spend.restore(m, wait);
            } else if (recovering) {
                flushFallbackUsage(states, now, wait);
            }
            knownMarker = m;
            if (recovering) {
                spend.recovered(!lost, wait);
                recovered();
            }
            spend.poll(wait);
            long[] c = counts.join(); // read before a restore: the next poll shows it
            for (int i = 0; i < states.size() && 3 * i + 2 < c.length; i++) {
                states.get(i).sharedCounts(c[3 * i], c[3 * i + 1], c[3 * i + 2]);
            }
        } catch (Exception e) {
            if (!closed) {
                enterFallback(describe(e));
            }
        }
    }

    private synchronized void recovered() {
        if (status.mode() != StoreStatus.Mode.SHARED) {
            boolean first = status.detail().equals(CONNECTING);
            status = new StoreStatus(StoreStatus.Mode.SHARED, location, clock.millis(), "");
            if (first) {
                LOG.info("limits_store {}: rate-limit counters and provider health are shared", location);
            } else {
                LOG.info("limits_store {} is back: counters are shared again", location);
            }
        }
    }

    /** Redis lost its data: adds this instance's own counts of the current windows (fallback usage included). */
    private void restoreLocalCounts(List<ProviderState> states, long now, long wait) throws Exception {
        for (ProviderState s : states) {
            s.fallbackUsage.clear(); // the local windows hold it already
            long rpm = s.limiter.rpm().current();
            long tpm = s.limiter.tpm().current();
            long rpd = s.limiter.rpd().current();
            if (rpm > 0 || tpm > 0 || rpd > 0) {
                windows.record(s.spec(), rpm, tpm, rpd, now).get(wait, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Adds what this instance admitted on its own while in FALLBACK to the shared windows. */
    private void flushFallbackUsage(List<ProviderState> states, long now, long wait) throws Exception {
        for (ProviderState s : states) {
            FallbackUsage u = s.fallbackUsage;
            long requests = u.requests.getAndSet(0);
            long tokens = u.tokens.getAndSet(0);
            if (requests == 0 && tokens <= 0) {
                continue;
            }
            try {
                windows.record(s.spec(), requests, tokens, requests, now).get(wait, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                u.requests.addAndGet(requests); // try again with the next poll
                u.tokens.addAndGet(tokens);
                throw e;
            }
        }
    }

    private void applyResets(RoutingTable t, Map<String, String> resets) {
        if (!resetsKnown) {
            // The first read is this instance's baseline: resets before it started are not its business.
            seenResets.putAll(resets);
            resetsKnown = true;
            return;
        }
        for (Map.Entry<String, String> e : resets.entrySet()) {
            String before = seenResets.put(e.getKey(), e.getValue());
            if (e.getValue().equals(before)) {
                continue;
            }
            if (SharedHealth.ALL.equals(e.getKey())) {
                LOG.info("limits_store: another instance reset every provider");
                for (ProviderState s : t.providers.values()) {
                    s.reset();
                }
            } else {
                ProviderState s = t.providers.get(e.getKey());
                if (s != null) {
                    LOG.info("limits_store: another instance reset provider {}", s.name);
                    s.reset();
                }
            }
        }
    }

    private static void applyOpenings(RoutingTable t, Map<String, SharedHealth.Opening> openings, long now) {
        for (Map.Entry<String, SharedHealth.Opening> e : openings.entrySet()) {
            ProviderState s = t.providers.get(e.getKey());
            if (s != null) {
                s.breaker.applyRemote(e.getValue().untilMillis(), e.getValue().keyRejected(), now);
            }
        }
    }

    /** The failure and its root cause (e.g. a TLS certificate that is not trusted), never a password. */
    static String describe(Throwable e) {
        Throwable c = RedisConnection.unwrap(e);
        String msg = c.getMessage();
        String out = c.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != c) {
            out += " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                    + ')';
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        redis.close();
    }
}
