package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

/**
 * One provider entry under {@code model_config.MODEL}.
 *
 * @param provider name of an {@code api_provider} entry
 * @param alias the model name this provider expects (defaults to the client's model name)
 * @param enabled whether this provider serves this model ({@code enable}, default true)
 * @param weight relative share for the {@code weighted} strategy (default 1)
 * @param price what this route's tokens cost ({@code price}), overriding {@code pricing} and the built-in
 *              table; null when not written
 */
public record ModelRoute(String provider, String alias, boolean enabled, int weight, Price price) {
    public ModelRoute {
        requireNonNull(provider, "provider");
        requireNonNull(alias, "alias");
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }

    /** A route without a price of its own. */
    public ModelRoute(String provider, String alias, boolean enabled, int weight) {
        this(provider, alias, enabled, weight, null);
    }
}
