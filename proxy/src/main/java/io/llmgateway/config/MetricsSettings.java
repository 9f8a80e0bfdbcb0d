package io.llmgateway.config;

/**
 * The {@code metrics} section.
 *
 * @param enabled whether {@code GET /metrics} is served (default true)
 * @param requireAdmin whether it needs the admin token like the admin API (default true); false makes it
 *                     public, for a Prometheus server that cannot send a token
 */
public record MetricsSettings(boolean enabled, boolean requireAdmin) {
    public static final MetricsSettings DEFAULT = new MetricsSettings(true, true);
}
