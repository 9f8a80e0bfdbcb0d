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
        return toBuilder().cache(newCache).build();
    }

    public GatewayConfig withLimitsStore(LimitsStoreSettings newLimitsStore) {
        return toBuilder().limitsStore(newLimitsStore).build();
    }

    public GatewayConfig withSpend(SpendSettings newSpend) {
        return toBuilder().spend(newSpend).build();
    }

    public GatewayConfig withServer(ServerSettings newServer) {
        return toBuilder().server(newServer).build();
    }

    public GatewayConfig withLogging(LoggingSettings newLogging) {
        return toBuilder().logging(newLogging).build();
    }

    public GatewayConfig withTracing(TracingSettings newTracing) {
        return toBuilder().tracing(newTracing).build();
    }

    /** A builder that starts from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a GatewayConfig from another one's values with some of them changed; the constructor checks the result. */
    public static final class Builder {
        private ServerSettings server;
        private UpstreamSettings upstream;
        private RoutingSettings routing;
        private Map<String, ProviderConfig> providers;
        private Map<String, ModelConfig> models;
        private List<String> autoModels;
        private AdminSettings admin;
        private LoggingSettings logging;
        private MetricsSettings metrics;
        private AccessSettings access;
        private LimitsStoreSettings limitsStore;
        private SpendSettings spend;
        private CacheSettings cache;
        private TracingSettings tracing;

        private Builder(GatewayConfig from) {
            server = from.server;
            upstream = from.upstream;
            routing = from.routing;
            providers = from.providers;
            models = from.models;
            autoModels = from.autoModels;
            admin = from.admin;
            logging = from.logging;
            metrics = from.metrics;
            access = from.access;
            limitsStore = from.limitsStore;
            spend = from.spend;
            cache = from.cache;
            tracing = from.tracing;
        }

        public Builder server(ServerSettings value) {
            server = value;
            return this;
        }

        public Builder upstream(UpstreamSettings value) {
            upstream = value;
            return this;
        }

        public Builder routing(RoutingSettings value) {
            routing = value;
            return this;
        }

        public Builder providers(Map<String, ProviderConfig> value) {
            providers = value;
            return this;
        }

        public Builder models(Map<String, ModelConfig> value) {
            models = value;
            return this;
        }

        public Builder autoModels(List<String> value) {
            autoModels = value;
            return this;
        }

        public Builder admin(AdminSettings value) {
            admin = value;
            return this;
        }

        public Builder logging(LoggingSettings value) {
            logging = value;
            return this;
        }

        public Builder metrics(MetricsSettings value) {
            metrics = value;
            return this;
        }

        public Builder access(AccessSettings value) {
            access = value;
            return this;
        }

        public Builder limitsStore(LimitsStoreSettings value) {
            limitsStore = value;
            return this;
        }

        public Builder spend(SpendSettings value) {
            spend = value;
            return this;
        }

        public Builder cache(CacheSettings value) {
            cache = value;
            return this;
        }

        public Builder tracing(TracingSettings value) {
            tracing = value;
            return this;
        }

        public GatewayConfig build() {
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
                    tracing);
        }
    }
}
