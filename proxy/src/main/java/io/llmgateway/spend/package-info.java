/**
 * Money: what a request costs (prices, usage), budgets per client key and provider, and the durable record of
 * spend. Amounts are integer nano-dollars throughout (see {@link io.llmgateway.spend.Cost}).
 *
 * <p>Null-checked by NullAway at compile time: types are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.llmgateway.spend;

import org.jspecify.annotations.NullMarked;
