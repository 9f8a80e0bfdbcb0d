package io.llmgateway.config;

import static io.llmgateway.config.ConfigKeys.API_PROVIDER;
import static io.llmgateway.config.ConfigKeys.AUTO;
import static io.llmgateway.config.ConfigKeys.MODEL_CONFIG;
import static io.llmgateway.config.ConfigKeys.ROUTING;
import static io.llmgateway.config.ConfigKeys.SERVER;
import static io.llmgateway.config.ConfigKeys.UPSTREAM;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the YAML tree into {@link GatewayConfig}, one method per section. Adding a section: add its
 * keys to {@link ConfigKeys}, write {@code readX(ConfigNode)}, and call it from {@link #read}.
 */
final class ConfigReader {
    static final String OPTION = "option";
    private static final Map<String, IoTransport> TRANSPORTS =
            byConfigName(IoTransport.values(), IoTransport::configName);
    private static final Map<String, Boolean> RPD_WINDOWS = rpdWindows();

    private ConfigReader() {}

    /** Reads every section; the result is meaningful (and non-null) only if no problem was recorded. */
    static GatewayConfig read(ConfigNode root) {
        root.rejectUnknownKeys(ConfigKeys.SECTIONS, "section");
        ServerSettings server = readServer(root.get(SERVER));
        UpstreamSettings upstream = readUpstream(root.get(UPSTREAM));
        RoutingSettings routing = readRouting(root.get(ROUTING));
        ConfigNode providerSection = root.get(API_PROVIDER);
        Map<String, ProviderConfig> providers = ProviderReader.readProviders(providerSection);
        CacheSettings cache = readCache(root.get(ConfigKeys.CACHE));
        Map<String, ModelConfig> models = ModelReader.readModels(
                root.get(MODEL_CONFIG), ProviderReader.providerNames(providerSection), cache.ttl());
        List<String> auto = ModelReader.readAuto(root.get(AUTO), models);
        GatewayConfig core = assemble(server, upstream, routing, providers, models, auto);
        AdminSettings admin = readAdmin(root.get(ConfigKeys.ADMIN));
        LoggingSettings logging = readLogging(root.get(ConfigKeys.LOGGING));
        MetricsSettings metrics = readMetrics(root.get(ConfigKeys.METRICS));
        AccessSettings access = AccessReader.readAccess(
                root.get(ConfigKeys.GATEWAY), models, auto.isEmpty() ? List.copyOf(models.keySet()) : auto);
        LimitsStoreSettings limitsStore = LimitsStoreReader.readLimitsStore(root);
        SpendSettings spend = SpendReader.readSpend(root);
        TracingSettings tracing = TracingReader.readTracing(root.get(ConfigKeys.TRACING));
        return core == null
                ? null
                : new GatewayConfig(
                        server,
                        upstream,
                        routing,
                        core.providers(),
                        core.models(),
                        core.autoModels(),
                        admin,
                        logging,
                        metrics,
                        access,
                        limitsStore,
                        spend,
                        cache,
                        tracing);
    }

    private static CacheSettings readCache(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.CACHE_OPTIONS, OPTION);
        CacheSettings d = CacheSettings.DEFAULT;
        return new CacheSettings(
                section.get("max_size").asSize((int) d.maxBytes()),
                section.get("ttl").asDuration(d.ttl()));
    }

    private static AdminSettings readAdmin(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.ADMIN_OPTIONS, OPTION);
        ConfigNode tokenNode = section.get("token");
        String token = tokenNode.asSecret();
        if (!token.isEmpty() && token.length() < AdminSettings.MIN_TOKEN_LENGTH) {
            tokenNode.problem("too short (expected: at least " + AdminSettings.MIN_TOKEN_LENGTH
                    + " characters, e.g. from openssl rand -hex 24; value not shown)");
        }
        return new AdminSettings(
                token.isEmpty() ? null : token,
                section.get("health_check_interval").asDuration(AdminSettings.DEFAULT.healthCheckInterval()));
    }

    private static LoggingSettings readLogging(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.LOGGING_OPTIONS, OPTION);
        LoggingSettings d = LoggingSettings.DEFAULT;
        Map<String, String> levels = new LinkedHashMap<>();
        for (String level : LoggingSettings.LEVELS) {
            levels.put(level, level);
        }
        return new LoggingSettings(
                section.get("directory").asNonEmptyString("a directory path", d.directory()),
                section.get("level").asChoice(levels, d.level()),
                section.get("max_file_size").asSize(d.maxFileBytes()),
                section.get("retention_days").asInt(1, 36500, "a number of days from 1 to 36500", d.retentionDays()),
                section.get("interactions").asBoolean(d.interactions()),
                section.get("queue_size").asInt(1, 10_000_000, "a positive integer up to 10000000", d.queueSize()),
                section.get("log_bodies").asBoolean(d.logBodies()),
                section.get("max_body_bytes").asSize(d.maxBodyBytes()));
    }

    private static MetricsSettings readMetrics(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.METRICS_OPTIONS, OPTION);
        MetricsSettings d = MetricsSettings.DEFAULT;
        return new MetricsSettings(
                section.get("enabled").asBoolean(d.enabled()),
                section.get("require_admin").asBoolean(d.requireAdmin()));
    }

    private static ServerSettings readServer(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.SERVER_OPTIONS, OPTION);
        ServerSettings d = ServerSettings.DEFAULT;
        ConfigNode portNode = section.get("port");
        int port = portNode.asInt(0, 65535, "a port number from 0 to 65535", d.port());
        TlsSettings tls = TlsReader.readTls(section.get("tls"), portNode, port);
        return new ServerSettings(
                section.get("host").asNonEmptyString("a host name or address", d.host()),
                port == 0 && tls != null ? ServerSettings.NO_LISTENER : port,
                section.get("max_body_size").asSize(d.maxBodyBytes()),
                section.get("io_threads")
                        .asInt(0, 1024, "0 (= number of cores) or a positive integer up to 1024", d.ioThreads()),
                section.get("max_request_line").asSize(d.maxRequestLineBytes()),
                section.get("max_header_size").asSize(d.maxHeaderBytes()),
                section.get("max_headers").asInt(1, 10_000, "an integer from 1 to 10000", d.maxHeaders()),
                section.get("request_timeout").asDuration(d.requestTimeout()),
                section.get("idle_timeout").asDuration(d.idleTimeout()),
                section.get("max_in_flight").asInt(1, 1_000_000, "an integer from 1 to 1000000", d.maxInFlight()),
                section.get("max_buffered_body_size").asSize((int) d.maxBufferedBodyBytes()),
                section.get("shutdown_grace_period").asDuration(d.shutdownGracePeriod()),
                section.get("transport").asChoice(TRANSPORTS, d.transport()),
                tls,
                section.get("http2").asBoolean(d.http2()),
                section.get("http2_max_concurrent_streams")
                        .asInt(1, 100_000, "an integer from 1 to 100000", d.http2MaxConcurrentStreams()));
    }

    private static UpstreamSettings readUpstream(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.UPSTREAM_OPTIONS, OPTION);
        UpstreamSettings d = UpstreamSettings.DEFAULT;
        return new UpstreamSettings(
                section.get("connect_timeout").asDuration(d.connectTimeout()),
                section.get("response_timeout").asDuration(d.responseTimeout()),
                section.get("stream_first_byte_timeout").asDuration(d.streamFirstByteTimeout()),
                section.get("stream_idle_timeout").asDuration(d.streamIdleTimeout()),
                section.get("max_connections_per_loop")
                        .asInt(1, Integer.MAX_VALUE, "a positive integer", d.maxConnectionsPerLoop()),
                section.get("acquire_timeout").asDuration(d.acquireTimeout()),
                section.get("idle_connection_timeout").asDuration(d.idleConnectionTimeout()),
                section.get("max_pending_acquires")
                        .asInt(0, Integer.MAX_VALUE, "0 or a positive integer", d.maxPendingAcquires()));
    }

    private static RoutingSettings readRouting(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.ROUTING_OPTIONS, OPTION);
        RoutingSettings d = RoutingSettings.defaults();
        Duration baseCooldown = section.get("base_cooldown").asDuration(d.baseCooldown());
        ConfigNode maxCooldownNode = section.get("max_cooldown");
        Duration maxCooldown = maxCooldownNode.asDuration(d.maxCooldown());
        if (maxCooldown.compareTo(baseCooldown) < 0) {
            maxCooldownNode.problem("must not be shorter than base_cooldown (" + format(baseCooldown) + ")");
            maxCooldown = baseCooldown;
        }
        return new RoutingSettings(
                section.get("strategy").asChoice(ModelReader.STRATEGIES, d.strategy()),
                section.get("max_attempts").asInt(1, Integer.MAX_VALUE, "a positive integer", d.maxAttempts()),
                section.get("failure_threshold")
                        .asInt(1, Integer.MAX_VALUE, "a positive integer", d.failureThreshold()),
                baseCooldown,
                maxCooldown,
                section.get("bad_key_cooldown").asDuration(d.badKeyCooldown()),
                section.get("rpd_window").asChoice(RPD_WINDOWS, d.rpdRolling()),
                section.get("time_zone").asZone(d.timeZone()));
    }

    /** False (with a problem recorded) when a required mapping section is missing, empty or not a mapping. */
    static boolean requireEntries(ConfigNode section, String why) {
        if (section.isAbsent()) {
            section.problem("missing (" + why + ")");
            return false;
        }
        if (section.entries().isEmpty()) {
            if (section.isMapping()) {
                section.problem("empty (" + why + ")");
            }
            return false;
        }
        return true;
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** An enum's constants by their config-file spelling, in declaration order (the order errors list them). */
    static <E extends Enum<E>> Map<String, E> byConfigName(E[] values, Function<E, String> configName) {
        Map<String, E> map = new LinkedHashMap<>();
        for (E value : values) {
            map.put(configName.apply(value), value);
        }
        return map;
    }

    /** A list item that must be a non-empty string; null (with a problem recorded) when it is not. */
    static String nonEmptyItem(ConfigNode item, String what) {
        String value = item.asNonEmptyString(what, null);
        if (value == null && item.isAbsent()) {
            item.expected(what);
        }
        return value;
    }

    private static Map<String, Boolean> rpdWindows() {
        Map<String, Boolean> map = new LinkedHashMap<>();
        map.put("calendar", false);
        map.put("rolling", true);
        return map;
    }

    /**
     * The record, or null when the parts do not fit together (a model naming a provider that failed
     * validation); that only happens with problems recorded, and then the caller throws anyway.
     */
    private static GatewayConfig assemble(
            ServerSettings server,
            UpstreamSettings upstream,
            RoutingSettings routing,
            Map<String, ProviderConfig> providers,
            Map<String, ModelConfig> models,
            List<String> auto) {
        for (ModelConfig model : models.values()) {
            for (ModelRoute route : model.routes()) {
                if (!providers.containsKey(route.provider())) {
                    return null;
                }
            }
        }
        return new GatewayConfig(server, upstream, routing, providers, models, auto);
    }
}
