package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One entry of {@code model_config}: the model name clients send and its providers in priority order.
 *
 * @param name the model name clients send
 * @param routes providers in config order (= priority)
 * @param strategy how to choose among available providers, or null to use {@link RoutingSettings#strategy()}
 * @param encoding jtokkit encoding name for token estimates (e.g. {@code o200k_base}), or null to derive
 *                 it from the model family
 */
public record ModelConfig(String name, List<ModelRoute> routes, Strategy strategy, String encoding) {
    public ModelConfig {
        requireNonNull(name, "name");
        routes = List.copyOf(routes);
    }
}
