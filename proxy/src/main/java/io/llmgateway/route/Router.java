package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelRoute;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
 */
public final class Router {

    private final Clock clock;
    private volatile RoutingTable table;

    public Router(GatewayConfig config, Clock clock) {
        requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.table = RoutingTable.build(config, Map.of(), clock);
    }

    /**
     * Swaps in a new config. Providers whose name still exists keep their counts and circuit; new limits
     * apply to the kept counts. Attempts already granted settle against the state they were granted on.
     */
    public synchronized void reconfigure(GatewayConfig config) {
        requireNonNull(config, "config");
        table = RoutingTable.build(config, table.providers, clock);
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
     * @return an {@link Attempt} that must be settled exactly once, or a {@link Denial}
     */
    public Admission admit(String model, long estimatedTokens, Set<String> tried) {
        requireNonNull(model, "model");
        requireNonNull(tried, "tried");
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimatedTokens: " + estimatedTokens + " (expected: >= 0)");
        }
        RoutingTable t = table;
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            return admitAuto(t, estimatedTokens, tried);
        }
        RoutingTable.ModelPlan plan = t.models.get(model);
        if (plan == null) {
            return new Denial(404, "The model '" + model + "' does not exist", 0);
        }
        return admit(plan, estimatedTokens, tried);
    }

    /** Forgets every provider's counts, circuit and learned limits. */
    public void reset() {
        for (ProviderState s : table.providers.values()) {
            s.reset();
        }
    }

    /** Forgets one provider's counts, circuit and learned limits; false if there is no such provider. */
    public boolean reset(String provider) {
        ProviderState s = table.providers.get(requireNonNull(provider, "provider"));
        if (s == null) {
            return false;
        }
        s.reset();
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

    private Admission admitAuto(RoutingTable t, long tokens, Set<String> tried) {
        List<Denial> denials = new ArrayList<>();
        for (String name : t.config.autoModels()) {
            RoutingTable.ModelPlan plan = t.models.get(name);
            if (plan == null) {
                continue;
            }
            Admission a = admit(plan, tokens, tried);
            if (a instanceof Attempt) {
                return a;
            }
            denials.add((Denial) a);
        }
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
                && tokens <= s.limiter.maxTokensPerRequest()
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
        long ticket = s.limiter.tryAcquire(tokens);
        if (ticket < 0) {
            if (permit == CircuitBreaker.TRIAL) {
                s.breaker.onNeutral(true);
            }
            return null;
        }
        return new Attempt(plan.name, plan.routes[i].alias(), s, clock, ticket, tokens,
                permit == CircuitBreaker.TRIAL);
    }
}
