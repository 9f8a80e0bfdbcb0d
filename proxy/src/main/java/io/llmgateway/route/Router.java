package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.limit.SharedWindows;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Chooses a provider for each attempt of a request and keeps every provider's counters, circuit and
 * learned limits.
 *
 * <p>Design notes. The config is an immutable {@link RoutingTable} behind one volatile field, so a
 * reload is a single swap and an admission sees one whole config. Provider state lives on across
 * reloads for names that still exist. Choosing is optimistic: candidates are checked read-only
 * (enabled, untried, tpr, circuit, learned limits), the strategy picks one, and only then are its
 * circuit permit and its counters taken; if that loses a race the candidate is excluded and the
 * strategy picks again. A claimed half-open trial is handed back when the counters refuse, so a full
 * window can never eat the only trial.
 *
 * <p>Shared limits ({@code limits_store: redis://...}). Several gateway instances then admit against the
 * same counts in Redis. A Redis round trip must not block the event loop that calls {@link #admit}, so
 * admission becomes asynchronous for that store only: {@link #admit} does the read-only checks and claims
 * circuit permits at once, orders every eligible provider by the strategy (headroom from the last shared
 * counts seen), and sends them all to one atomic reservation script, which admits the first one whose
 * windows all fit; it returns a {@link PendingAdmission} that completes when Redis answers. A failure or
 * a timeout switches this instance to its local counters ({@link SharedStore}) and the request is decided
 * locally at once. With the in-memory counters (the default) nothing of this runs: {@link #admit} answers
 * synchronously, allocation-free apart from the {@link Attempt}, as before.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Router.class);
    private static final StoreStatus MEMORY_STATUS = new StoreStatus(StoreStatus.Mode.MEMORY, "memory", 0, "");

    private final Clock clock;
    /** The shared limits store, or null when every count lives in this process (the default). */
    private final SharedStore shared;
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
            LOG.warn("limits_store {} applies after a restart; counters stay in this process's memory until then",
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
        requireNonNull(model, "model");
        requireNonNull(tried, "tried");
        requireNonNull(scope, "scope");
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimatedTokens: " + estimatedTokens + " (expected: >= 0)");
        }
        RoutingTable t = table;
        SharedStore s = shared;
        if (s != null && s.isShared()) {
            return admitShared(s, t, model, estimatedTokens, tried, scope);
        }
        return admitLocal(t, model, estimatedTokens, tried, scope);
    }

    /**
     * {@link #admit} as a stage: completed at once with the in-memory counters, when the shared store
     * answers with one. Convenient off the hot path (health checks, tests); the proxy uses {@link #admit}.
     */
    public CompletionStage<Admission> admitAsync(String model, long estimatedTokens, Set<String> tried) {
        return admitAsync(model, estimatedTokens, tried, RouteScope.ANY);
    }

    /** {@link #admit(String, long, Set, RouteScope)} as a stage, like {@link #admitAsync(String, long, Set)}. */
    public CompletionStage<Admission> admitAsync(String model, long estimatedTokens, Set<String> tried,
            RouteScope scope) {
        Admission a = admit(model, estimatedTokens, tried, scope);
        return a instanceof PendingAdmission ? ((PendingAdmission) a).result() : CompletableFuture.completedFuture(a);
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

    private Admission admitLocal(RoutingTable t, String model, long estimatedTokens, Set<String> tried,
            RouteScope scope) {
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            return admitAuto(t, estimatedTokens, tried, scope);
        }
        RoutingTable.ModelPlan plan = t.models.get(model);
        if (plan == null) {
            return new Denial(404, "The model '" + model + "' does not exist", 0);
        }
        return admit(plan.within(scope), estimatedTokens, tried);
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
        RoutingTable t = table;
        ModelWindows.Sum sum = new ModelWindows.Sum(clock.millis());
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            List<String> names = t.config.autoModels();
            for (int m = 0; m < names.size(); m++) {
                RoutingTable.ModelPlan plan = t.models.get(names.get(m));
                if (plan != null) {
                    addEnabled(sum, plan, t, names, m);
                }
            }
        } else {
            RoutingTable.ModelPlan plan = t.models.get(model);
            if (plan == null) {
                return null;
            }
            addEnabled(sum, plan, t, List.of(), 0);
        }
        return sum.result();
    }

    /** Adds the plan's enabled providers that no earlier plan (of {@code names} before index) added. */
    private static void addEnabled(ModelWindows.Sum sum, RoutingTable.ModelPlan plan, RoutingTable t,
            List<String> names, int index) {
        for (int i = 0; i < plan.routes.length; i++) {
            if (plan.routes[i].enabled() && !enabledEarlier(plan.states[i], t, names, index)) {
                sum.add(plan.states[i]);
            }
        }
    }

    private static boolean enabledEarlier(ProviderState s, RoutingTable t, List<String> names, int index) {
        for (int m = 0; m < index; m++) {
            RoutingTable.ModelPlan earlier = t.models.get(names.get(m));
            if (earlier == null) {
                continue;
            }
            for (int i = 0; i < earlier.routes.length; i++) {
                if (earlier.states[i] == s && earlier.routes[i].enabled()) {
                    return true;
                }
            }
        }
        return false;
    }

    private Admission admitAuto(RoutingTable t, long tokens, Set<String> tried, RouteScope scope) {
        List<Denial> denials = new ArrayList<>();
        for (RoutingTable.ModelPlan plan : t.autoPlans(scope)) {
            Admission a = admit(plan, tokens, tried);
            if (a instanceof Attempt) {
                return a;
            }
            denials.add((Denial) a);
        }
        return autoDenial(denials);
    }

    private static Denial autoDenial(List<Denial> denials) {
        if (denials.isEmpty()) {
            return new Denial(503, "No model is configured for '" + GatewayConfig.AUTO_MODEL + '\'', 0);
        }
        int status = 400;
        long retryAfter = Long.MAX_VALUE;
        StringBuilder message = new StringBuilder("No model can serve '" + GatewayConfig.AUTO_MODEL + "' right now.");
        for (Denial d : denials) {
            if (d.status() == 429) {
                status = 429;
                retryAfter = Math.min(retryAfter, d.retryAfterSeconds());
            } else if (d.status() == 503 && status != 429) {
                status = 503;
            }
            message.append(' ').append(d.message()).append('.');
        }
        return new Denial(status, message.toString(), status == 429 ? retryAfter : 0);
    }

    private Admission admit(RoutingTable.ModelPlan plan, long tokens, Set<String> tried) {
        long now = clock.millis();
        boolean[] excluded = null;
        for (int round = 0; round < plan.routes.length; round++) {
            int i = choose(plan, tokens, tried, excluded, now);
            if (i < 0) {
                break;
            }
            Attempt attempt = tryReserve(plan, i, tokens, now);
            if (attempt != null) {
                return attempt;
            }
            if (excluded == null) {
                excluded = new boolean[plan.routes.length];
            }
            excluded[i] = true;
        }
        return Denials.of(plan, tokens, tried, now);
    }

    private int choose(RoutingTable.ModelPlan plan, long tokens, Set<String> tried, boolean[] excluded, long now) {
        int n = plan.routes.length;
        switch (plan.strategy) {
            case HEADROOM: {
                int best = -1;
                double bestHeadroom = -1;
                for (int i = 0; i < n; i++) {
                    if (eligible(plan, i, tokens, tried, excluded, now)) {
                        double h = plan.states[i].headroom(now);
                        if (h > bestHeadroom) { // ties go to config order
                            best = i;
                            bestHeadroom = h;
                        }
                    }
                }
                return best;
            }
            case WEIGHTED: {
                long total = 0;
                for (int i = 0; i < n; i++) {
                    if (eligible(plan, i, tokens, tried, excluded, now)) {
                        total += plan.routes[i].weight();
                    }
                }
                if (total == 0) {
                    return -1;
                }
                long r = ThreadLocalRandom.current().nextLong(total);
                for (int i = 0; i < n; i++) {
                    if (eligible(plan, i, tokens, tried, excluded, now)) {
                        r -= plan.routes[i].weight();
                        if (r < 0) {
                            return i;
                        }
                    }
                }
                return -1; // eligibility changed between the two passes; the caller denies or retries
            }
            default:
                for (int i = 0; i < n; i++) {
                    if (eligible(plan, i, tokens, tried, excluded, now)) {
                        return i;
                    }
                }
                return -1;
        }
    }

    /** The read-only checks; counters are only consulted by taking them, in {@link #tryReserve}. */
    private static boolean eligible(RoutingTable.ModelPlan plan, int i, long tokens, Set<String> tried,
                                    boolean[] excluded, long now) {
        if (excluded != null && excluded[i]) {
            return false;
        }
        ModelRoute route = plan.routes[i];
        ProviderState s = plan.states[i];
        return route.enabled()
                && tokens <= s.maxTokensPerRequest()
                && !tried.contains(s.name)
                && s.breaker.isAvailable(now)
                && !s.learned.blocked(now);
    }

    private Attempt tryReserve(RoutingTable.ModelPlan plan, int i, long tokens, long now) {
        ProviderState s = plan.states[i];
        int permit = s.breaker.tryAcquire(now);
        if (permit == CircuitBreaker.DENIED) {
            return null;
        }
        long ticket = s.limiter.tryAcquire(tokens, now);
        if (ticket < 0) {
            if (permit == CircuitBreaker.TRIAL) {
                s.breaker.onNeutral(true);
            }
            return null;
        }
        long sharedTicket = Attempt.LOCAL;
        if (s.fallbackUsage != null) {
            // A shared store is configured but unreachable: remember it for the store's return.
            s.fallbackUsage.admitted(tokens);
            sharedTicket = Attempt.FALLBACK;
        }
        return new Attempt(plan.name, plan.routes[i].alias(), s, ticket, sharedTicket, tokens,
                permit == CircuitBreaker.TRIAL);
    }

    // ---- shared limits store --------------------------------------------------------------------------------

    private Admission admitShared(SharedStore store, RoutingTable t, String model, long tokens, Set<String> tried,
            RouteScope scope) {
        boolean auto = GatewayConfig.AUTO_MODEL.equals(model);
        List<RoutingTable.ModelPlan> plans = auto ? t.autoPlans(scope) : new ArrayList<>(1);
        if (auto) {
            if (plans.isEmpty()) {
                return new Denial(503, "No model is configured for '" + GatewayConfig.AUTO_MODEL + '\'', 0);
            }
        } else {
            RoutingTable.ModelPlan plan = t.models.get(model);
            if (plan == null) {
                return new Denial(404, "The model '" + model + "' does not exist", 0);
            }
            plans.add(plan.within(scope));
        }
        long now = clock.millis();
        SharedCandidates c = new SharedCandidates(plans);
        for (RoutingTable.ModelPlan plan : plans) {
            for (int i : order(plan, tokens, tried, now)) {
                int permit = plan.states[i].breaker.tryAcquire(now);
                if (permit != CircuitBreaker.DENIED) {
                    c.add(plan, i, permit);
                }
            }
        }
        if (c.size == 0) {
            return sharedDenial(model, plans, tokens, tried, now, Denials.SharedVerdicts.NONE);
        }
        Set<String> triedNow = Set.copyOf(tried); // the caller may change its set before Redis answers
        CompletableFuture<Admission> result = new CompletableFuture<>();
        store.reserve(c.specs, c.size, tokens, now).whenComplete((r, error) ->
                result.complete(decide(store, model, scope, c, r, error, plans, tokens, triedNow, now)));
        return new PendingAdmission(result);
    }

    /** Never throws: a pending admission must complete, or its request would wait forever. */
    private Admission decide(SharedStore store, String model, RouteScope scope, SharedCandidates c,
            SharedWindows.Reservation r,
            Throwable error, List<RoutingTable.ModelPlan> plans, long tokens, Set<String> tried, long now) {
        try {
            if (error == null) {
                return onReserved(model, c, r, plans, tokens, tried, now);
            }
        } catch (RuntimeException e) {
            LOG.error("limits_store: unexpected reservation reply {}", r, e);
            error = e;
        }
        try {
            c.giveBackTrials(-1);
            store.fellBack(error);
            return admitLocal(table, model, tokens, tried, scope);
        } catch (RuntimeException e) {
            LOG.error("cannot admit a request for {}", model, e);
            return new Denial(503, "The gateway could not decide on a provider for model '" + model + '\'', 0);
        }
    }

    private Admission onReserved(String model, SharedCandidates c, SharedWindows.Reservation r, List<RoutingTable.ModelPlan> plans,
            long tokens, Set<String> tried, long now) {
        for (int j = 0; j < r.evaluated(); j++) {
            c.states[j].sharedCounts(r.rpm(j), r.tpm(j), r.rpd(j));
        }
        int k = r.admitted();
        c.giveBackTrials(k);
        if (k < 0) {
            return sharedDenial(model, plans, tokens, tried, now, new Denials.SharedVerdicts(r, c.states));
        }
        ProviderState s = c.states[k];
        // This instance's own share of the traffic, so that a fallback starts from it (see SharedStore).
        long localTicket = s.limiter.record(tokens);
        return new Attempt(c.plans[k].name, c.plans[k].routes[c.routes[k]].alias(), s, localTicket, r.ticket(),
                tokens, c.permits[k] == CircuitBreaker.TRIAL);
    }

    private static Denial sharedDenial(String model, List<RoutingTable.ModelPlan> plans, long tokens, Set<String> tried,
            long now, Denials.SharedVerdicts verdicts) {
        if (!GatewayConfig.AUTO_MODEL.equals(model)) {
            return Denials.of(plans.get(0), tokens, tried, now, verdicts);
        }
        List<Denial> denials = new ArrayList<>(plans.size());
        for (RoutingTable.ModelPlan plan : plans) {
            denials.add(Denials.of(plan, tokens, tried, now, verdicts));
        }
        return autoDenial(denials);
    }

    /** The eligible routes of a plan in the order its strategy prefers them (the shared path tries them all at once). */
    private static int[] order(RoutingTable.ModelPlan plan, long tokens, Set<String> tried, long now) {
        int n = plan.routes.length;
        int[] out = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (eligible(plan, i, tokens, tried, null, now)) {
                out[count++] = i;
            }
        }
        switch (plan.strategy) {
            case HEADROOM: {
                double[] h = new double[n];
                for (int k = 0; k < count; k++) {
                    h[out[k]] = plan.states[out[k]].headroom(now);
                }
                // Insertion sort, stable: ties keep config order. A model has a handful of providers.
                for (int a = 1; a < count; a++) {
                    int v = out[a];
                    int b = a - 1;
                    while (b >= 0 && h[out[b]] < h[v]) {
                        out[b + 1] = out[b];
                        b--;
                    }
                    out[b + 1] = v;
                }
                break;
            }
            case WEIGHTED: {
                // Draw without replacement, each in proportion to its weight among those left.
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int a = 0; a < count - 1; a++) {
                    long total = 0;
                    for (int b = a; b < count; b++) {
                        total += plan.routes[out[b]].weight();
                    }
                    long r = random.nextLong(Math.max(1, total));
                    int pick = count - 1;
                    for (int b = a; b < count; b++) {
                        r -= plan.routes[out[b]].weight();
                        if (r < 0) {
                            pick = b;
                            break;
                        }
                    }
                    int v = out[pick];
                    System.arraycopy(out, a, out, a + 1, pick - a);
                    out[a] = v;
                }
                break;
            }
            default:
                break;
        }
        return count == n ? out : java.util.Arrays.copyOf(out, count);
    }

    /** The providers one shared reservation tries, in order, with the circuit permits claimed for them. */
    private static final class SharedCandidates {
        final RoutingTable.ModelPlan[] plans;
        final int[] routes;
        final ProviderState[] states;
        final SharedWindows.Spec[] specs;
        final int[] permits;
        int size;

        SharedCandidates(List<RoutingTable.ModelPlan> models) {
            int n = 0;
            for (RoutingTable.ModelPlan p : models) {
                n += p.routes.length;
            }
            plans = new RoutingTable.ModelPlan[n];
            routes = new int[n];
            states = new ProviderState[n];
            specs = new SharedWindows.Spec[n];
            permits = new int[n];
        }

        void add(RoutingTable.ModelPlan plan, int route, int permit) {
            plans[size] = plan;
            routes[size] = route;
            states[size] = plan.states[route];
            specs[size] = plan.states[route].spec();
            permits[size] = permit;
            size++;
        }

        /** Hands back the half-open trials claimed for every candidate but {@code admitted}. */
        void giveBackTrials(int admitted) {
            for (int j = 0; j < size; j++) {
                if (j != admitted && permits[j] == CircuitBreaker.TRIAL) {
                    states[j].breaker.onNeutral(true);
                }
            }
        }
    }
}
