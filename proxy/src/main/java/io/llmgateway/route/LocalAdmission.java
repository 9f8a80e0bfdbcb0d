package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Price;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.BudgetCounter;
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
 *
 * <p>Budgets are counters too: the route's worst case ({@link BudgetClaim#reservation}) is reserved on the
 * provider's budget, then on the client key's, before the rate windows (so a refused budget takes no rpm); a
 * refusal further on gives back what was taken. A route the provider's or the key's budget cannot pay for is
 * skipped like a full window: a cheaper route may still fit.
 */
final class LocalAdmission {

    private final Clock clock;

    LocalAdmission(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** {@link #admit(RoutingTable, String, long, Set, RouteScope, BudgetClaim)} without budgets. */
    Admission admit(RoutingTable t, String model, long tokens, Set<String> tried, RouteScope scope) {
        return admit(t, model, tokens, tried, scope, BudgetClaim.NONE);
    }

    /** An {@link Attempt} or a {@link Denial}, never pending. */
    Admission admit(RoutingTable t, String model, long tokens, Set<String> tried, RouteScope scope, BudgetClaim claim) {
        long now = clock.millis();
        claim.admitting();
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            List<RoutingTable.ModelPlan> plans = t.autoPlans(scope);
            for (int p = 0; p < plans.size(); p++) {
                Attempt a = admit(plans.get(p), tokens, tried, now, claim);
                if (a != null) {
                    return a;
                }
            }
            return Denials.of(model, plans, tokens, tried, now, null, claim);
        }
        RoutingTable.ModelPlan plan = t.models.get(model);
        if (plan == null) {
            return Denials.unknownModel(model);
        }
        plan = plan.within(scope);
        Attempt a = admit(plan, tokens, tried, now, claim);
        return a != null ? a : Denials.of(plan, tokens, tried, now, null, claim);
    }

    /** An attempt at one of the plan's routes, or null when none can take the request. */
    private static Attempt admit(
            RoutingTable.ModelPlan plan, long tokens, Set<String> tried, long now, BudgetClaim claim) {
        boolean[] excluded = null;
        for (int round = 0; round < plan.routes.length; round++) {
            int i = plan.chooser.pick(plan, tokens, tried, excluded, now, ThreadLocalRandom.current());
            if (i < 0) {
                break;
            }
            Attempt attempt = tryReserve(plan, i, tokens, now, claim);
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

    private static Attempt tryReserve(RoutingTable.ModelPlan plan, int i, long tokens, long now, BudgetClaim claim) {
        ProviderState s = plan.states[i];
        long nanos = 0;
        BudgetCounter providerBudget = null;
        BudgetCounter keyBudget = null;
        if (claim.active()) {
            Price price = claim.price(plan.name, s.name);
            if (price == null && claim.refusesUnpriced()) {
                claim.unpricedRefused();
                return null;
            }
            nanos = claim.reservation(price);
            if (nanos > 0) { // an unpriced route reserves nothing, and is served whatever is left
                providerBudget = claim.providerCounter(s.name);
                keyBudget = claim.keyCounter();
            }
        }
        int permit = s.breaker.tryAcquire(now);
        if (permit == CircuitBreaker.DENIED) {
            return null;
        }
        long providerTicket = providerBudget == null ? Attempt.NO_BUDGET : providerBudget.tryReserve(nanos, now);
        long keyTicket = Attempt.NO_BUDGET;
        long ticket = -1;
        if (providerTicket != BudgetCounter.REJECTED) {
            keyTicket = keyBudget == null ? Attempt.NO_BUDGET : keyBudget.tryReserve(nanos, now);
            if (keyTicket == BudgetCounter.REJECTED) {
                claim.keyRefused();
            } else {
                ticket = s.limiter.tryAcquire(tokens, now);
            }
        }
        if (ticket < 0) {
            Attempt.release(providerBudget, providerTicket, nanos);
            Attempt.release(keyBudget, keyTicket, nanos);
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
        Attempt a = new Attempt(
                plan.name, plan.routes[i].alias(), s, ticket, sharedTicket, tokens, permit == CircuitBreaker.TRIAL);
        a.holdSpend(providerBudget, providerTicket, keyBudget, keyTicket, nanos);
        return a;
    }
}
