package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.BudgetPeriod;

/**
 * One budget as the admin page and {@code /api/usage} show it.
 *
 * @param kind whose budget it is
 * @param name the client key's or the provider's name
 * @param limitNanos the most that may be spent in a period, in nano-dollars
 * @param spentNanos spent this period, reservations of requests still running included
 * @param remainingNanos what is left of the limit, never below zero
 * @param resetsAtMillis when the period ends, or {@code Long.MAX_VALUE} for {@code total}
 * @param refuseUnpriced whether requests to an unpriced model are refused ({@code unpriced: refuse})
 */
public record BudgetView(
        Budgets.Kind kind,
        String name,
        long limitNanos,
        BudgetPeriod period,
        long spentNanos,
        long remainingNanos,
        long resetsAtMillis,
        boolean refuseUnpriced) {
    public BudgetView {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(period, "period");
    }
}
