package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * One entry of {@code model_config}: the model name clients send and its providers in priority order.
 *
 * @param name the model name clients send
 * @param routes providers in config order (= priority)
 * @param strategy how to choose among available providers, or null to use {@link RoutingSettings#strategy()}
 * @param encoding jtokkit encoding name for token estimates (e.g. {@code o200k_base}), or null to derive
 *                 it from the model family
 * @param cacheTtl how long the response cache keeps this model's answers, or null when they are not cached
 *                 (the default: see {@code cache} in the README)
 */
public record ModelConfig(String name, List<ModelRoute> routes, Strategy strategy, String encoding, Duration cacheTtl) {
    public ModelConfig {
        requireNonNull(name, "name");
        routes = List.copyOf(routes);
        if (cacheTtl != null && (cacheTtl.isNegative() || cacheTtl.isZero())) {
            throw new IllegalArgumentException("cacheTtl: " + cacheTtl + " (expected: > 0)");
        }
    }

    /** A model whose answers are not cached. */
    public ModelConfig(String name, List<ModelRoute> routes, Strategy strategy, String encoding) {
        this(name, routes, strategy, encoding, null);
    }

    /** Whether the response cache keeps this model's answers. */
    public boolean cached() {
        return cacheTtl != null;
    }
}
