package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.Price;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The price of every route of one config, resolved once ({@link PriceBook}) when the config is loaded or
 * edited, so that a request's cost takes two map lookups.
 */
public final class RoutePrices {
    /** Prices by model name, then by provider; a route without a price is absent. */
    private final Map<String, Map<String, Price>> byModel = new HashMap<>();

    private RoutePrices(GatewayConfig config) {
        PriceBook book = PriceBook.of(config.spend());
        for (Map.Entry<String, ModelConfig> m : config.models().entrySet()) {
            for (ModelRoute route : m.getValue().routes()) {
                Price price = book.find(route);
                if (price != null) {
                    byModel.computeIfAbsent(m.getKey(), k -> new HashMap<>()).put(route.provider(), price);
                }
            }
        }
    }

    public static RoutePrices of(GatewayConfig config) {
        return new RoutePrices(requireNonNull(config, "config"));
    }

    /** The price of {@code model} served by {@code provider}, or null when it is unpriced. */
    public @Nullable Price find(String model, String provider) {
        Map<String, Price> routes = byModel.get(model);
        return routes == null ? null : routes.get(provider);
    }
}
