package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Budget;
import io.llmgateway.config.Price;
import org.jspecify.annotations.Nullable;

/*
 * Design notes
 * - Admission reads this to reserve each attempt's worst case: the route's price (two map gets), the counters
 *   of the client key and of the route's provider (a map get), Cost.reservation (arithmetic). Nothing here
 *   allocates; the claim itself is made once per request, and only when some budget exists.
 * - The claim also carries what the last admission learned for its denial (the key's budget refused, a route
 *   refused as unpriced), so that the denial names the key's budget rather than a provider. Admissions of one
 *   request run one after another (the exchange waits for each), so plain fields are enough; a decision made
 *   on another thread reaches the exchange through a future, which orders the writes before the reads.
 * - The shared path (limits_store) reads the same inputs and reserves in Redis instead of the counters.
 */
/**
 * What one request asks of the budgets: its client key's counter, the prices of the routes it may take, its
 * prompt estimate and completion limit. {@link #NONE} when no budget is configured: admission then reserves
 * nothing.
 */
public final class BudgetClaim {
    /** No key or provider has a budget: nothing is reserved. */
    public static final BudgetClaim NONE = new BudgetClaim(null, null, "", null, null, 1);

    private final @Nullable Budgets budgets;
    private final @Nullable RoutePrices prices;
    private final String keyName;
    private final @Nullable BudgetCounter key;
    private final @Nullable Budget keyBudget;
    private final int reserveOutputTokens;
    private long promptTokens;
    private long maxTokens = -1;
    private boolean keyRefused;
    private boolean unpricedRefused;

    private BudgetClaim(
            @Nullable Budgets budgets,
            @Nullable RoutePrices prices,
            String keyName,
            @Nullable BudgetCounter key,
            @Nullable Budget keyBudget,
            int reserveOutputTokens) {
        this.budgets = budgets;
        this.prices = prices;
        this.keyName = keyName;
        this.key = key;
        this.keyBudget = keyBudget;
        this.reserveOutputTokens = reserveOutputTokens;
    }

    /**
     * The claim of one request, or {@link #NONE} when no key or provider has a budget.
     *
     * @param keyName the client key's name, or {@code ""} when the gateway has no keys
     * @param reserveOutputTokens {@code gateway.spend_reserve_output_tokens}
     */
    public static BudgetClaim of(Budgets budgets, RoutePrices prices, String keyName, int reserveOutputTokens) {
        requireNonNull(budgets, "budgets");
        requireNonNull(prices, "prices");
        requireNonNull(keyName, "keyName");
        if (!budgets.any()) {
            return NONE;
        }
        return new BudgetClaim(
                budgets,
                prices,
                keyName,
                budgets.counter(Budgets.Kind.KEY, keyName),
                budgets.budget(Budgets.Kind.KEY, keyName),
                reserveOutputTokens);
    }

    /**
     * Sets what the request's worst case is made of, once its prompt is estimated.
     *
     * @param maxTokens the request's completion limit, or -1 when it sets none
     */
    public void request(long promptTokens, long maxTokens) {
        if (this != NONE) {
            this.promptTokens = Math.max(0, promptTokens);
            this.maxTokens = maxTokens;
        }
    }

    /** Whether some budget applies (else admission reserves nothing and reads nothing else here). */
    public boolean active() {
        return this != NONE;
    }

    /** The price of {@code model} at {@code provider}, or null when unpriced. */
    public @Nullable Price price(String model, String provider) {
        return prices == null ? null : prices.find(model, provider);
    }

    /** What an attempt at {@code price} reserves: its worst case, in nano-dollars; 0 when unpriced. */
    public long reservation(@Nullable Price price) {
        return price == null ? 0 : Cost.reservation(price, promptTokens, maxTokens, reserveOutputTokens);
    }

    /** The client key's budget counter, or null when the key has no budget. */
    public @Nullable BudgetCounter keyCounter() {
        return key;
    }

    /** The client key's budget, or null when it has none. */
    public @Nullable Budget keyBudget() {
        return keyBudget;
    }

    /** The client key's name ({@code ""} without keys). */
    public String keyName() {
        return keyName;
    }

    /** The budget counter of {@code provider}, or null when it has no budget. */
    public @Nullable BudgetCounter providerCounter(String provider) {
        return budgets == null ? null : budgets.counter(Budgets.Kind.PROVIDER, provider);
    }

    /** Whether the key's budget refuses unpriced models ({@code unpriced: refuse}). */
    public boolean refusesUnpriced() {
        return keyBudget != null && keyBudget.refuseUnpriced();
    }

    /** Starts an admission: forgets what the previous one noted. */
    public void admitting() {
        if (this != NONE) {
            keyRefused = false;
            unpricedRefused = false;
        }
    }

    /** The key's budget could not take a route's worst case (admission notes it for the denial). */
    public void keyRefused() {
        if (this != NONE) {
            keyRefused = true;
        }
    }

    /** A route was skipped because it is unpriced and the key refuses unpriced models. */
    public void unpricedRefused() {
        if (this != NONE) {
            unpricedRefused = true;
        }
    }

    /** Whether the key's budget refused a route in the last admission. */
    public boolean wasKeyRefused() {
        return keyRefused;
    }

    /** Whether a route was refused as unpriced in the last admission. */
    public boolean wasUnpricedRefused() {
        return unpricedRefused;
    }

    /** The remaining of the key's budget as the header shows it, or null when the key has no budget. */
    public @Nullable String keyRemainingUsd() {
        BudgetCounter k = key;
        return k == null ? null : Cost.usd(k.remaining());
    }

    /** {@code "50 USD per month"}, {@code "12.5 USD in total"}. */
    public static String describe(BudgetCounter counter) {
        return Cost.usd(counter.limit()) + " USD "
                + (counter.period() == io.llmgateway.config.BudgetPeriod.TOTAL
                        ? "in total"
                        : "per " + counter.period().configName());
    }
}
