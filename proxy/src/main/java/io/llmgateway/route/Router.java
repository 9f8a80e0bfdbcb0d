package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.Budgets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Chooses a provider for each attempt of a request and keeps every provider's counters, circuit and
 * learned limits.
 *
 * <p>Design notes. The config is an immutable {@link RoutingTable} behind one volatile field, so a
 * reload is a single swap and an admission sees one whole config. Provider state lives on across
 * reloads for names that still exist. An admission is decided by {@link LocalAdmission} (in-memory
 * counters: at once, allocation-free apart from the {@link Attempt}) or, while a shared limits store
 * answers, by {@link SharedAdmission} (a {@link PendingAdmission} that completes when Redis answers). Both
 * choose with the model's {@link Chooser} and explain a refusal with {@link Denials}.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Router.class);
    private static final StoreStatus MEMORY_STATUS = new StoreStatus(StoreStatus.Mode.MEMORY, "memory", 0, "");

    private final Clock clock;
    /** The shared limits store, or null when every count lives in this process (the default). */
    private final SharedStore shared;

    private final LocalAdmission local;
    /** Null without a shared store. */
    private final SharedAdmission sharedAdmission;

    private volatile RoutingTable table;

    /**
     * A router for {@code config}. With a shared limits store it connects to it first: this blocks up to a
     * few seconds (never call it from an event loop); an unreachable store leaves the router counting
     * locally until the store answers.
     */
    public Router(GatewayConfig config, Clock clock) {
        requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        LimitsStoreSettings store = config.limitsStore();
        this.shared = store.shared() ? new SharedStore(store, clock, () -> table) : null;
        this.local = new LocalAdmission(clock);
        this.sharedAdmission = shared != null ? new SharedAdmission(clock, shared, local, () -> table) : null;
        try {
            this.table = RoutingTable.build(config, Map.of(), clock, shared);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (shared != null) {
            shared.start();
        }
    }

    /**
     * Swaps in a new config. Providers whose name still exists keep their counts and circuit; new limits
     * apply to the kept counts. Attempts already granted settle against the state they were granted on.
     */
    public synchronized void reconfigure(GatewayConfig config) {
        requireNonNull(config, "config");
        if (shared != null) {
            shared.settings(config.limitsStore());
        } else if (config.limitsStore().shared()) {
            LOG.warn(
                    "limits_store {} applies after a restart; counters stay in this process's memory until then",
                    config.limitsStore().location());
        }
        table = RoutingTable.build(config, table.providers, clock, shared);
    }

    /** The config in use. */
    public GatewayConfig config() {
        return table.config;
    }

    /** Whether {@code model} is a configured model or {@code "auto"}. */
    public boolean servesModel(String model) {
        return GatewayConfig.AUTO_MODEL.equals(model) || table.models.containsKey(model);
    }

    /**
     * Admits one attempt of a request.
     *
     * @param model the model the client asked for, or {@code "auto"}
     * @param estimatedTokens prompt estimate plus requested completion; reserved in the chosen provider's tpm
     * @param tried providers this request already tried (failover); never chosen again. May be empty.
     *              Not read after this call returns.
     * @return an {@link Attempt} that must be settled exactly once, or a {@link Denial}; with a shared
     *         limits store that answers, a {@link PendingAdmission} that completes with one of them
     */
    public Admission admit(String model, long estimatedTokens, Set<String> tried) {
        return admit(model, estimatedTokens, tried, RouteScope.ANY);
    }

    /**
     * {@link #admit(String, long, Set)} among the models and providers {@code scope} allows: {@code "auto"}
     * chooses only among the models the caller may use, and a path only some providers take goes only to them.
     */
    public Admission admit(String model, long estimatedTokens, Set<String> tried, RouteScope scope) {
        return admit(model, estimatedTokens, tried, scope, BudgetClaim.NONE);
    }

    /**
     * {@link #admit(String, long, Set, RouteScope)} for a request with budgets: each attempt reserves its
     * route's worst case ({@link BudgetClaim#reservation}) in the provider's and the client key's budget, and
     * the {@link Attempt} keeps it until {@link Attempt#settleSpend} (or its failure) settles it. A provider
     * whose budget cannot pay is skipped; a key whose budget cannot pay gets a {@link Denial} with code
     * {@link Denial#INSUFFICIENT_QUOTA}.
     *
     * @param claim the request's budgets, {@link BudgetClaim#NONE} when none is configured; read, and noted in,
     *              by this call only
     */
    public Admission admit(String model, long estimatedTokens, Set<String> tried, RouteScope scope, BudgetClaim claim) {
        requireNonNull(model, "model");
        requireNonNull(claim, "claim");
        requireNonNull(tried, "tried");
        requireNonNull(scope, "scope");
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimatedTokens: " + estimatedTokens + " (expected: >= 0)");
        }
        RoutingTable t = table;
        SharedStore s = shared;
        if (s != null && s.isShared()) {
            return sharedAdmission.admit(t, model, estimatedTokens, tried, scope, claim);
        }
        return local.admit(t, model, estimatedTokens, tried, scope, claim);
    }

    /**
     * {@link #admit} as a stage: completed at once with the in-memory counters, when the shared store
     * answers with one. Convenient off the hot path (health checks, tests); the proxy uses {@link #admit}.
     */
    public CompletionStage<Admission> admitAsync(String model, long estimatedTokens, Set<String> tried) {
        return admitAsync(model, estimatedTokens, tried, RouteScope.ANY);
    }

    /** {@link #admit(String, long, Set, RouteScope)} as a stage, like {@link #admitAsync(String, long, Set)}. */
    public CompletionStage<Admission> admitAsync(
            String model, long estimatedTokens, Set<String> tried, RouteScope scope) {
        Admission a = admit(model, estimatedTokens, tried, scope);
        return a instanceof PendingAdmission ? ((PendingAdmission) a).result() : CompletableFuture.completedFuture(a);
    }

    /**
     * Keeps the budgets of client keys and providers in the shared limits store from now on, if one is
     * configured (else nothing): seeds the figures Redis lacks from the restored counters, zeroes the shared
     * figure on every {@link Budgets#reset}, and mirrors Redis in the counters. Call once, at start, after the
     * budgets are restored from the spend store; blocks up to a few seconds (never call it on an event loop).
     */
    public void useBudgets(Budgets budgets) {
        requireNonNull(budgets, "budgets");
        if (shared != null) {
            shared.useBudgets(budgets);
        }
    }

    /** Where counters and provider health live now: memory, shared (Redis) or fallback (Redis unreachable). */
    public StoreStatus storeStatus() {
        SharedStore s = shared;
        return s != null ? s.status() : MEMORY_STATUS;
    }

    /** Closes the connection to the shared limits store, if any. */
    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
    }

    /**
     * Forgets every provider's counts, circuit and learned limits. With a shared store, also its shared
     * windows and openings, and every other instance resets its own view within a second; that part runs
     * in the background (this method does not wait for Redis).
     */
    public void reset() {
        RoutingTable t = table;
        for (ProviderState s : t.providers.values()) {
            s.reset();
        }
        if (shared != null) {
            shared.reset(t.providers.keySet(), null);
        }
    }

    /** Forgets one provider's counts, circuit and learned limits (everywhere, like {@link #reset()}); false if there is no such provider. */
    public boolean reset(String provider) {
        ProviderState s = table.providers.get(requireNonNull(provider, "provider"));
        if (s == null) {
            return false;
        }
        s.reset();
        if (shared != null) {
            shared.reset(List.of(provider), provider);
        }
        return true;
    }

    /**
     * Feeds the outcome of a health check (a probe request sent outside admission) to the provider's
     * circuit: a success closes an open circuit at once; a failure counts like a failed request of the
     * same kind (a client error counts nothing).
     *
     * @param failure null when the provider answered successfully
     * @param retryAfterMillis the provider's Retry-After for {@link Failure#RATE_LIMITED}, or 0
     * @return false if there is no such provider
     */
    public boolean recordHealthCheck(String provider, Failure failure, long retryAfterMillis) {
        ProviderState s = table.providers.get(requireNonNull(provider, "provider"));
        if (s == null) {
            return false;
        }
        s.breaker.onHealthCheck(failure, retryAfterMillis);
        return true;
    }

    /** Every provider's state now, in config order. */
    public List<ProviderSnapshot> snapshot() {
        long now = clock.millis();
        List<ProviderSnapshot> out = new ArrayList<>();
        for (ProviderState s : table.providers.values()) {
            out.add(s.snapshot(now));
        }
        return List.copyOf(out);
    }

    /**
     * The per-minute request and token windows of {@code model} (or {@code "auto"}: every provider of its
     * models) summed over its enabled providers, or null for an unknown model. Reads the counters only;
     * cheap enough for every response.
     */
    public ModelWindows windows(String model) {
        return table.windows(model, clock.millis());
    }
}
