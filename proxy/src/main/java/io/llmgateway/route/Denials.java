package io.llmgateway.route;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.Price;
import io.llmgateway.limit.ProviderLimiter;
import io.llmgateway.limit.RateCounter;
import io.llmgateway.limit.SharedWindows;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.BudgetCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Explains why no provider of a model could take a request, and when one may. Runs only on the
 * denial path, so it may allocate freely.
 */
final class Denials {

    /** A half-open trial usually ends quickly; its lease is far longer, so do not make clients wait that. */
    private static final long TRIAL_RETRY_MILLIS = 1000;

    private Denials() {}

    /** The client asked for a model the config does not have. */
    static Denial unknownModel(String model) {
        return new Denial(404, "The model '" + model + "' does not exist", 0);
    }

    /** Admission failed unexpectedly; the request must still get an answer. */
    static Denial undecided(String model) {
        return new Denial(503, "The gateway could not decide on a provider for model '" + model + '\'', 0);
    }

    /**
     * Why none of {@code plans} (the one plan of {@code model}, or those of {@code "auto"}) could take the
     * request.
     *
     * @param shared what the shared store's reservation said of each candidate, or null when the local
     *               counters decided
     */
    static Denial of(
            String model,
            List<RoutingTable.ModelPlan> plans,
            long tokens,
            Set<String> tried,
            long now,
            SharedVerdicts shared) {
        return of(model, plans, tokens, tried, now, shared, BudgetClaim.NONE);
    }

    /**
     * {@link #of(String, List, long, Set, long, SharedVerdicts)} for a request with budgets: a spent key budget
     * answers for the whole request; a provider's spent budget is a reason like a full window.
     */
    static Denial of(
            String model,
            List<RoutingTable.ModelPlan> plans,
            long tokens,
            Set<String> tried,
            long now,
            SharedVerdicts shared,
            BudgetClaim claim) {
        if (claim.wasKeyRefused()) {
            return BudgetDenials.key(claim, model, now);
        }
        if (!GatewayConfig.AUTO_MODEL.equals(model)) {
            return of(plans.get(0), tokens, tried, now, shared, claim);
        }
        if (plans.isEmpty()) {
            return new Denial(503, "No model is configured for '" + GatewayConfig.AUTO_MODEL + '\'', 0);
        }
        int status = 400;
        long retryAfter = Long.MAX_VALUE;
        boolean allBudgets = true;
        StringBuilder message = new StringBuilder("No model can serve '" + GatewayConfig.AUTO_MODEL + "' right now.");
        for (RoutingTable.ModelPlan plan : plans) {
            Denial d = of(plan, tokens, tried, now, shared, claim);
            if (d.status() == 429) {
                status = 429;
                retryAfter = Math.min(retryAfter, d.retryAfterSeconds());
                allBudgets &= Denial.INSUFFICIENT_QUOTA.equals(d.code());
            } else if (d.status() == 503 && status != 429) {
                status = 503;
            }
            message.append(' ').append(d.message()).append('.');
        }
        return new Denial(
                status,
                message.toString(),
                status == 429 ? retryAfter : 0,
                status == 429 && allBudgets ? Denial.INSUFFICIENT_QUOTA : null);
    }

    /** Why no route of {@code plan} could take the request; {@code shared} as above. */
    static Denial of(RoutingTable.ModelPlan plan, long tokens, Set<String> tried, long now, SharedVerdicts shared) {
        return of(plan, tokens, tried, now, shared, BudgetClaim.NONE);
    }

    /** {@link #of(RoutingTable.ModelPlan, long, Set, long, SharedVerdicts)} with the request's budgets. */
    static Denial of(
            RoutingTable.ModelPlan plan,
            long tokens,
            Set<String> tried,
            long now,
            SharedVerdicts shared,
            BudgetClaim claim) {
        if (claim.wasKeyRefused()) {
            return BudgetDenials.key(claim, plan.name, now);
        }
        int budgetSpent = 0;
        int waiting = 0;
        List<String> reasons = new ArrayList<>();
        int enabled = 0;
        int tooLarge = 0;
        int alreadyTried = 0;
        long largestPerRequest = 0;
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < plan.routes.length; i++) {
            ProviderState s = plan.states[i];
            if (!plan.routes[i].enabled()) {
                reasons.add(s.name + " disabled");
                continue;
            }
            enabled++;
            long perRequest = s.maxTokensPerRequest();
            largestPerRequest = Math.max(largestPerRequest, perRequest);
            if (tokens > perRequest) {
                tooLarge++;
                reasons.add(s.name + " accepts at most " + perRequest + " tokens per request");
                continue;
            }
            if (tried.contains(s.name)) {
                alreadyTried++;
                reasons.add(s.name + " already tried");
                continue;
            }
            long wait;
            String why;
            CircuitBreaker breaker = s.breaker;
            Price price = claim.active() ? claim.price(plan.name, s.name) : null;
            BudgetCounter budget = claim.active() ? claim.providerCounter(s.name) : null;
            long nanos = claim.reservation(price);
            if (claim.active() && price == null && claim.refusesUnpriced()) {
                reasons.add(s.name + " has no known price for '" + plan.routes[i].alias() + '\'');
                continue;
            }
            waiting++;
            if (budget != null && nanos > 0 && budget.remaining() < nanos) {
                budgetSpent++;
                long resetsAt = budget.resetsAtMillis();
                wait = resetsAt == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, resetsAt - now);
                why = BudgetDenials.provider(budget, nanos);
            } else if (!breaker.isAvailable(now)) {
                if (breaker.state() == CircuitState.HALF_OPEN) {
                    wait = TRIAL_RETRY_MILLIS;
                    why = "circuit half-open, trial in progress";
                } else {
                    wait = breaker.millisUntilRetry(now);
                    why = (breaker.keyRejected() ? "key rejected" : "circuit open") + " (retry in " + format(wait)
                            + ')';
                }
            } else if (s.learned.blocked(now)) {
                wait = s.learned.millisUntilUnblocked(now);
                why = "reports no remaining capacity (resets in " + format(wait) + ')';
            } else if (shared != null) {
                int j = shared.indexOf(s);
                long code = j < 0 ? SharedWindows.OK : shared.reservation.code(j);
                if (code != SharedWindows.OK) {
                    wait = shared.reservation.waitMillis(j);
                    why = "rate limit reached ("
                            + sharedCount(
                                    code, shared.reservation, j, s.config().limits())
                            + " across all instances, frees in " + format(wait) + ')';
                } else {
                    wait = TRIAL_RETRY_MILLIS;
                    why = "busy";
                }
            } else {
                StringBuilder full = new StringBuilder();
                wait = 0;
                wait = Math.max(wait, exhausted("rpm", s.limiter.rpm(), 1, full));
                wait = Math.max(wait, exhausted("tpm", s.limiter.tpm(), tokens, full));
                wait = Math.max(wait, exhausted("rpd", s.limiter.rpd(), 1, full));
                if (wait > 0) {
                    why = "rate limit reached (" + full + ", frees in " + format(wait) + ')';
                } else {
                    // Passed every check just now: it lost a race for its last capacity or its trial.
                    wait = TRIAL_RETRY_MILLIS;
                    why = "busy";
                }
            }
            earliest = Math.min(earliest, wait);
            reasons.add(s.name + ' ' + why);
        }
        String model = plan.name;
        String list = String.join("; ", reasons);
        if (enabled == 0) {
            return new Denial(503, "Model '" + model + "' has no enabled provider: " + list, 0);
        }
        if (tooLarge == enabled) {
            return new Denial(
                    400,
                    "The request to model '" + model + "' needs an estimated " + tokens
                            + " tokens, more than any of its providers accepts per request (largest tpr: "
                            + largestPerRequest + ')',
                    0);
        }
        if (tooLarge + alreadyTried == enabled) {
            return new Denial(503, "No untried provider left for model '" + model + "': " + list, 0);
        }
        if (waiting == 0) { // every route left is unpriced, and the key refuses unpriced models
            return BudgetDenials.unpriced(claim, model);
        }
        boolean budgets = budgetSpent == waiting;
        return new Denial(
                429,
                "No provider can serve model '" + model + "' right now: " + list,
                budgets && earliest == Long.MAX_VALUE ? 0 : retryAfterSeconds(earliest),
                budgets ? Denial.INSUFFICIENT_QUOTA : null);
    }

    /** Appends {@code "rpm 60/60"} when this counter cannot take {@code amount} now; returns the wait. */
    private static long exhausted(String label, RateCounter counter, long amount, StringBuilder out) {
        long wait = counter.millisUntilAvailable(amount);
        if (wait > 0) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(label).append(' ').append(counter.current()).append('/').append(counter.limit());
        }
        return wait;
    }

    /** {@code "rpm 10/10"} for the shared window that refused. */
    private static String sharedCount(long code, SharedWindows.Reservation r, int j, Limits limits) {
        if (code == ProviderLimiter.REJECTED_RPM) {
            return "rpm " + r.rpm(j) + '/' + limits.rpm();
        }
        if (code == ProviderLimiter.REJECTED_RPD) {
            return "rpd " + r.rpd(j) + '/' + limits.rpd();
        }
        return "tpm " + r.tpm(j) + '/' + limits.tpm();
    }

    /** The shared reservation's verdicts, by candidate. */
    static final class SharedVerdicts {
        /** No reservation was made (no candidate could even be tried). */
        static final SharedVerdicts NONE = new SharedVerdicts(null, new ProviderState[0]);

        final SharedWindows.Reservation reservation;
        private final ProviderState[] candidates;

        SharedVerdicts(SharedWindows.Reservation reservation, ProviderState[] candidates) {
            this.reservation = reservation;
            this.candidates = candidates;
        }

        /** The first evaluated candidate that is {@code s}, or -1. */
        int indexOf(ProviderState s) {
            for (int j = 0; reservation != null && j < reservation.evaluated(); j++) {
                if (candidates[j] == s) {
                    return j;
                }
            }
            return -1;
        }
    }

    static long retryAfterSeconds(long millis) {
        if (millis == Long.MAX_VALUE) {
            return 86_400;
        }
        return Math.max(1, (millis + 999) / 1000);
    }

    /** {@code 12s}, {@code 4m30s}, {@code 2h5m}: rounded up to whole seconds. */
    static String format(long millis) {
        long s = retryAfterSeconds(millis);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        long minutes = (s + 59) / 60;
        return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
    }
}
