package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole, validated configuration. Immutable: a reload builds a new instance and swaps it in.
 *
 * @param server listener settings
 * @param upstream provider connection settings
 * @param routing provider choice, failover and circuit settings
 * @param providers {@code api_provider} entries in file order
 * @param models {@code model_config} entries in file order
 * @param autoModels models {@code "auto"} tries, in order (defaults to every model in file order)
 * @param admin admin page and API access
 * @param logging log files and what the interaction log contains
 * @param metrics the Prometheus endpoint
 * @param access client keys and load limits
 * @param limitsStore where rate-limit counters and provider health live: this process's memory (the
 *                    default; null means the same) or a Redis shared by several instances
 * @param spend prices, provider budgets and the spend file (null means {@link SpendSettings#DEFAULT})
 * @param cache the response cache's bounds (null means {@link CacheSettings#DEFAULT})
 * @param tracing OpenTelemetry traces (null means {@link TracingSettings#OFF})
 */
public record GatewayConfig(
        ServerSettings server,
        UpstreamSettings upstream,
        RoutingSettings routing,
        Map<String, ProviderConfig> providers,
        Map<String, ModelConfig> models,
        List<String> autoModels,
        AdminSettings admin,
        LoggingSettings logging,
        MetricsSettings metrics,
        AccessSettings access,
        LimitsStoreSettings limitsStore,
        SpendSettings spend,
        CacheSettings cache,
        TracingSettings tracing) {

    /** The model name that lets the gateway choose the model. */
    public static final String AUTO_MODEL = "auto";

    public GatewayConfig {
        requireNonNull(server, "server");
        requireNonNull(upstream, "upstream");
        requireNonNull(routing, "routing");
        requireNonNull(admin, "admin");
        requireNonNull(logging, "logging");
        requireNonNull(metrics, "metrics");
        requireNonNull(access, "access");
        limitsStore = limitsStore == null ? LimitsStoreSettings.MEMORY : limitsStore;
        spend = spend == null ? SpendSettings.DEFAULT : spend;
        cache = cache == null ? CacheSettings.DEFAULT : cache;
        tracing = tracing == null ? TracingSettings.OFF : tracing;
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        autoModels =
                autoModels == null || autoModels.isEmpty() ? List.copyOf(models.keySet()) : List.copyOf(autoModels);
        for (ModelConfig model : models.values()) {
            for (ModelRoute route : model.routes()) {
                if (!providers.containsKey(route.provider())) {
                    throw new IllegalArgumentException(
                            "model_config." + model.name() + ": unknown provider " + route.provider());
                }
            }
        }
    }

    /** The core sections only; every other section takes its defaults. */
    public GatewayConfig(
            ServerSettings server,
            UpstreamSettings upstream,
            RoutingSettings routing,
            Map<String, ProviderConfig> providers,
            Map<String, ModelConfig> models,
            List<String> autoModels) {
        this(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                AdminSettings.DEFAULT,
                LoggingSettings.DEFAULT,
                MetricsSettings.DEFAULT,
                AccessSettings.DEFAULT,
                LimitsStoreSettings.MEMORY,
                SpendSettings.DEFAULT,
                CacheSettings.DEFAULT,
                TracingSettings.OFF);
    }

    /** Every section but the cache's and tracing's, which take their defaults. */
    public GatewayConfig(
            ServerSettings server,
            UpstreamSettings upstream,
            RoutingSettings routing,
            Map<String, ProviderConfig> providers,
            Map<String, ModelConfig> models,
            List<String> autoModels,
            AdminSettings admin,
            LoggingSettings logging,
            MetricsSettings metrics,
            AccessSettings access,
            LimitsStoreSettings limitsStore,
            SpendSettings spend) {
        this(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                limitsStore,
                spend,
                CacheSettings.DEFAULT,
                TracingSettings.OFF);
    }

    public GatewayConfig withCache(CacheSettings newCache) {
        return new GatewayConfig(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                limitsStore,
                spend,
                newCache,
                tracing);
    }

    public GatewayConfig withLimitsStore(LimitsStoreSettings newLimitsStore) {
        return new GatewayConfig(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                newLimitsStore,
                spend,
                cache,
                tracing);
    }

    public GatewayConfig withSpend(SpendSettings newSpend) {
        return new GatewayConfig(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                limitsStore,
                newSpend,
                cache,
                tracing);
    }

    public GatewayConfig withServer(ServerSettings newServer) {
        return new GatewayConfig(
                newServer,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                limitsStore,
                spend,
                cache,
                tracing);
    }

    public GatewayConfig withLogging(LoggingSettings newLogging) {
        return new GatewayConfig(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                newLogging,
                metrics,
                access,
                limitsStore,
                spend,
                cache,
                tracing);
    }

    public GatewayConfig withTracing(TracingSettings newTracing) {
        return new GatewayConfig(
                server,
                upstream,
                routing,
                providers,
                models,
                autoModels,
                admin,
                logging,
                metrics,
                access,
                limitsStore,
                spend,
                cache,
                newTracing);
    }
}
