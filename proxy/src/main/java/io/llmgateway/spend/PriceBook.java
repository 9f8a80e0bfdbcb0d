package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.Price;
import io.llmgateway.config.SpendSettings;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where a route's price comes from, first match wins: the route's own {@code price}; {@code pricing:} for
 * its alias; the built-in table for its alias. A dated alias without an entry of its own
 * ({@code claude-sonnet-4-5-20250929}, {@code gpt-4.1-2025-04-14}, {@code claude-3-7-sonnet-latest}) takes
 * the entry of its undated name, from {@code pricing:} before the built-in table, so that whatever the
 * operator wrote wins. No match: the route is unpriced.
 *
 * <p>A route's alias is fixed by the config, so callers resolve each route once per config, never per
 * request.
 */
public final class PriceBook {
    /** {@code -20250929}, {@code -2025-04-14} or {@code -latest} at the end of a model name. */
    private static final Pattern DATED = Pattern.compile("(.+)-(?:\\d{8}|\\d{4}-\\d{2}-\\d{2}|latest)");

    private final Map<String, Price> pricing;
    private final Map<String, Price> builtIn;

    PriceBook(Map<String, Price> pricing, Map<String, Price> builtIn) {
        this.pricing = Map.copyOf(requireNonNull(pricing, "pricing"));
        this.builtIn = Map.copyOf(requireNonNull(builtIn, "builtIn"));
    }

    /** The prices of {@code spend}'s {@code pricing:} over the built-in table. */
    public static PriceBook of(SpendSettings spend) {
        return new PriceBook(spend.pricing(), BuiltInPrices.table());
    }

    /** The route's price, or null when it is unpriced. */
    public @Nullable Price find(ModelRoute route) {
        Price own = route.price();
        return own != null ? own : find(route.alias());
    }

    /** The price of a provider's model name without a route's override, or null when unknown. */
    public @Nullable Price find(String alias) {
        Price exact = pricing.get(alias);
        if (exact != null) {
            return exact;
        }
        Matcher dated = DATED.matcher(alias);
        String undated = dated.matches() ? dated.group(1) : null;
        if (undated != null && pricing.containsKey(undated)) {
            return pricing.get(undated);
        }
        exact = builtIn.get(alias);
        if (exact != null || undated == null) {
            return exact;
        }
        return builtIn.get(undated);
    }
}
