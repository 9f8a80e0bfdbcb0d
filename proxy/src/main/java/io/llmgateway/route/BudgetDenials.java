package io.llmgateway.route;

import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.Cost;
import java.time.Instant;

/**
 * The words of a refusal by a budget: the client key's (429 {@code insufficient_quota}, naming the key, its
 * budget and when it resets), a provider's (a reason in the model's denial), a key's {@code unpriced: refuse}.
 * Runs only on the denial path, so it may allocate.
 */
final class BudgetDenials {
    private BudgetDenials() {}

    /** The client key's budget cannot take the request's worst case at any route it could take. */
    static Denial key(BudgetClaim claim, String model, long now) {
        BudgetCounter k = claim.keyCounter();
        if (k == null) { // noted only when the key has a counter; guard rather than fail
            return new Denial(
                    429, "The budget of client key '" + claim.keyName() + "' is spent.", 1, Denial.INSUFFICIENT_QUOTA);
        }
        long resetsAt = k.resetsAtMillis();
        return new Denial(
                429,
                "Budget of client key '" + claim.keyName() + "' (" + BudgetClaim.describe(k) + ") is spent: "
                        + Cost.usd(k.remaining()) + " USD left, and a request to model '" + model
                        + "' may cost more. " + resets(resetsAt),
                retryAfterSeconds(resetsAt, now),
                Denial.INSUFFICIENT_QUOTA);
    }

    /** Why a provider's budget cannot take {@code nanos}: a reason in the model's denial. */
    static String provider(BudgetCounter c, long nanos) {
        return "budget spent (" + Cost.usd(c.remaining()) + " of " + BudgetClaim.describe(c)
                + " left, the request may cost up to " + Cost.usd(nanos) + " USD; "
                + (c.resetsAtMillis() == Long.MAX_VALUE
                        ? "it does not reset"
                        : "resets at " + Instant.ofEpochMilli(c.resetsAtMillis()))
                + ')';
    }

    /** Every route the request could take is unpriced, and the key's budget refuses unpriced models. */
    static Denial unpriced(BudgetClaim claim, String model) {
        return new Denial(
                400,
                "Model '" + model + "' has no known price, and the budget of client key '" + claim.keyName()
                        + "' refuses unpriced models (unpriced: refuse). Set a price for it in pricing: or on its"
                        + " route, or use a priced model.",
                0,
                "model_unpriced");
    }

    /** {@code "It resets at 2026-12-31T23:00:00Z."}, or that it never does. */
    static String resets(long resetsAtMillis) {
        return resetsAtMillis == Long.MAX_VALUE
                ? "It does not reset (period: total)."
                : "It resets at " + Instant.ofEpochMilli(resetsAtMillis) + '.';
    }

    /** Whole seconds until {@code resetsAtMillis}, at least 1; 0 for a budget that never resets. */
    static long retryAfterSeconds(long resetsAtMillis, long now) {
        return resetsAtMillis == Long.MAX_VALUE ? 0 : Denials.retryAfterSeconds(Math.max(0, resetsAtMillis - now));
    }
}
