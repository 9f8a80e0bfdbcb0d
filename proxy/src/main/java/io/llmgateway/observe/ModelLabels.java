package io.llmgateway.observe;

import io.llmgateway.config.GatewayConfig;

/**
 * Bounded names for metric labels and usage rows. Clients may send any model name; only the configured
 * ones (and {@code auto}) become label values, everything else is {@code other}, so a client cycling
 * through made-up names cannot grow the number of series.
 */
final class ModelLabels {
    static final String OTHER = "other";
    static final String NONE = "none";

    private ModelLabels() {}

    /** {@code name} when configured or {@code auto}; {@code none} when absent; else {@code other}. */
    static String model(GatewayConfig config, String name) {
        if (name == null) {
            return NONE;
        }
        if (GatewayConfig.AUTO_MODEL.equals(name) || config.models().containsKey(name)) {
            return name;
        }
        return OTHER;
    }

    /** Provider names come from the config (bounded); none when no provider was tried. */
    static String provider(String name) {
        return name == null ? NONE : name;
    }
}
