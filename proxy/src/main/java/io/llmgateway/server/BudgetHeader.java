package io.llmgateway.server;

import io.llmgateway.spend.BudgetClaim;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The remaining budget of the client key on every answer to a key with a budget: {@value #NAME}, in USD as a
 * plain decimal ({@code 12.34}), after the request's reservation. Answers to keys without one never carry it,
 * not even when a provider sends a header of that name. A relayed answer's head gets it from
 * {@link ClientResponseHead} (which leaves out a provider's header of that name, see {@link HeaderPolicy});
 * {@link #apply} is for the answers whose header map the gateway edits.
 */
final class BudgetHeader {
    static final String NAME = "x-gateway-budget-remaining-usd";

    private BudgetHeader() {}

    static void apply(HttpHeaders headers, BudgetClaim claim) {
        String remaining = claim.keyRemainingUsd();
        if (remaining != null) {
            headers.set(NAME, remaining);
        } else {
            headers.remove(NAME);
        }
    }
}
