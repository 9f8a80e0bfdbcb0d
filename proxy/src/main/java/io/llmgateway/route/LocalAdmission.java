package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Admission against this process's counters: the default, and the fallback while a shared store is
 * unreachable. It answers at once and, until it denies, allocates nothing but the {@link Attempt}.
 *
 * <p>Choosing is optimistic: the plan's {@link Chooser} picks among the routes that pass the read-only
 * checks, and only then are the pick's circuit permit and counters taken; if that loses a race the route
 * is excluded and the strategy picks again. The counters' own atomic check keeps a limit of N at N admitted
 * however many requests race. A claimed half-open trial is handed back when the counters refuse, so a full
 * window can never eat the only trial.
 */
final class LocalAdmission {

    private final Clock clock;

    LocalAdmission(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** An {@link Attempt} or a {@link Denial}, never pending. */
    Admission admit(RoutingTable t, String model, long tokens, Set<String> tried, RouteScope scope) {
        long now = clock.millis();
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            List<RoutingTable.ModelPlan> plans = t.autoPlans(scope);
            for (int p = 0; p < plans.size(); p++) {
                Attempt a = admit(plans.get(p), tokens, tried, now);
                if (a != null) {
                    return a;
                }
            }
            return Denials.of(model, plans, tokens, tried, now, null);
        }
        RoutingTable.ModelPlan plan = t.models.get(model);
        if (plan == null) {
            return Denials.unknownModel(model);
        }
        plan = plan.within(scope);
        Attempt a = admit(plan, tokens, tried, now);
        return a != null ? a : Denials.of(plan, tokens, tried, now, null);
    }

    /** An attempt at one of the plan's routes, or null when none can take the request. */
    private static Attempt admit(RoutingTable.ModelPlan plan, long tokens, Set<String> tried, long now) {
        boolean[] excluded = null;
        for (int round = 0; round < plan.routes.length; round++) {
            int i = plan.chooser.pick(plan, tokens, tried, excluded, now, ThreadLocalRandom.current());
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
        return null;
    }

    private static Attempt tryReserve(RoutingTable.ModelPlan plan, int i, long tokens, long now) {
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
        return new Attempt(
                plan.name, plan.routes[i].alias(), s, ticket, sharedTicket, tokens, permit == CircuitBreaker.TRIAL);
    }
}
