package io.llmgateway.config;

/** How the router chooses among the providers of a model that are available right now. */
public enum Strategy {
    /** The first available provider in config order. */
    PRIORITY,
    /** The available provider whose tightest limit has the largest remaining fraction. */
    HEADROOM,
    /** A random available provider, in proportion to each entry's {@code weight}. */
    WEIGHTED;

    /** The spelling used in config files. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
