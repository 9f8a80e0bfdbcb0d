package io.llmgateway.config;

import java.util.List;

/**
 * Every key the config file may contain, per section, in the order the documentation lists them.
 * Kept in one place so that a new section or option is added here and in one reader method of
 * {@link ConfigReader}; {@code ConfigLoaderTest} checks that the example file uses each of them.
 */
final class ConfigKeys {
    static final String SERVER = "server";
    static final String UPSTREAM = "upstream";
    static final String ROUTING = "routing";
    static final String API_PROVIDER = "api_provider";
    static final String MODEL_CONFIG = "model_config";
    static final String AUTO = "auto";
    static final String ADMIN = "admin";
    static final String LOGGING = "logging";
    static final String METRICS = "metrics";
    static final String GATEWAY = "gateway";
    static final String LIMITS_STORE = "limits_store";
    static final String LIMITS_STORE_TIMEOUT = "limits_store_timeout";
    static final String LIMITS_STORE_FALLBACK_SHARE = "limits_store_fallback_share";
    static final String PRICING = "pricing";
    static final String CACHE = "cache";
    static final String TRACING = "tracing";

    /** Sections users may write. A section's reader and record may exist before it is listed here. */
    static final List<String> SECTIONS = List.of(
            SERVER,
            UPSTREAM,
            ROUTING,
            API_PROVIDER,
            MODEL_CONFIG,
            AUTO,
            ADMIN,
            GATEWAY,
            LOGGING,
            METRICS,
            LIMITS_STORE,
            LIMITS_STORE_TIMEOUT,
            LIMITS_STORE_FALLBACK_SHARE,
            PRICING,
            CACHE,
            TRACING);

    static final List<String> ADMIN_OPTIONS = List.of("token", "health_check_interval");

    static final List<String> LOGGING_OPTIONS = List.of(
            "directory",
            "level",
            "max_file_size",
            "retention_days",
            "interactions",
            "queue_size",
            "log_bodies",
            "max_body_bytes");

    static final List<String> TRACING_OPTIONS = List.of("otlp_endpoint", "sample_ratio", "service_name", "headers");

    static final List<String> METRICS_OPTIONS = List.of("enabled", "require_admin");

    static final List<String> GATEWAY_OPTIONS = List.of("api_keys", "spend_file", "spend_reserve_output_tokens");

    static final List<String> CLIENT_KEY_OPTIONS = List.of("name", "key", "limits", "models", "budget", "cache_scope");

    /** The response cache's bounds; each model turns caching on with its own {@code cache}. */
    static final List<String> CACHE_OPTIONS = List.of("max_size", "ttl");

    static final List<String> SERVER_OPTIONS = List.of(
            "host",
            "port",
            "max_body_size",
            "io_threads",
            "max_request_line",
            "max_header_size",
            "max_headers",
            "request_timeout",
            "idle_timeout",
            "max_in_flight",
            "max_buffered_body_size",
            "shutdown_grace_period",
            "transport",
            "tls",
            "http2",
            "http2_max_concurrent_streams");

    static final List<String> TLS_OPTIONS = List.of("port", "cert_file", "key_file", "protocols");

    static final List<String> UPSTREAM_OPTIONS = List.of(
            "connect_timeout",
            "response_timeout",
            "stream_first_byte_timeout",
            "stream_idle_timeout",
            "max_connections_per_loop",
            "acquire_timeout",
            "idle_connection_timeout",
            "max_pending_acquires");

    static final List<String> ROUTING_OPTIONS = List.of(
            "strategy",
            "max_attempts",
            "failure_threshold",
            "base_cooldown",
            "max_cooldown",
            "bad_key_cooldown",
            "rpd_window",
            "time_zone");

    static final List<String> PROVIDER_OPTIONS = List.of(
            "api",
            "base_url",
            "api_key",
            "anthropic_version",
            "default_max_tokens",
            "api_version",
            "limits",
            "ca_file",
            "extra_endpoints",
            "http2",
            "budget");

    static final List<String> LIMITS_OPTIONS = List.of("rpm", "tpm", "rpd", "tpr");

    /**
     * Scalar options that sit beside the provider names under {@code model_config.MODEL}; because they
     * share that mapping, no provider may be named like one of them.
     */
    static final List<String> MODEL_OPTIONS = List.of("strategy", "encoding", "cache");

    static final List<String> ROUTE_OPTIONS = List.of("alias", "enable", "weight", "price");

    /** USD per 1M tokens, under {@code pricing.MODEL} and a route's {@code price}. */
    static final List<String> PRICE_OPTIONS = List.of("input", "output", "cached_input", "cache_read", "cache_write");

    /** Under a client key's or a provider's {@code budget}. */
    static final List<String> BUDGET_OPTIONS = List.of("usd", "period", "unpriced");

    private ConfigKeys() {}
}
