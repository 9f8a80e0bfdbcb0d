package io.llmgateway.config;

import static io.llmgateway.config.ConfigKeys.API_PROVIDER;
import static io.llmgateway.config.ConfigKeys.AUTO;
import static io.llmgateway.config.ConfigKeys.MODEL_CONFIG;
import static io.llmgateway.config.ConfigKeys.ROUTING;
import static io.llmgateway.config.ConfigKeys.SERVER;
import static io.llmgateway.config.ConfigKeys.UPSTREAM;

import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns the YAML tree into {@link GatewayConfig}, one method per section. Adding a section: add its
 * keys to {@link ConfigKeys}, write {@code readX(ConfigNode)}, and call it from {@link #read}.
 */
final class ConfigReader {
    private static final Map<String, Strategy> STRATEGIES = byConfigName(Strategy.values(), Strategy::configName);
    private static final Map<String, IoTransport> TRANSPORTS =
            byConfigName(IoTransport.values(), IoTransport::configName);
    private static final Map<String, String> ENCODINGS = encodings();
    private static final Map<String, Boolean> RPD_WINDOWS = rpdWindows();
    private static final String OPTION = "option";
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private ConfigReader() {
    }

    /** Reads every section; the result is meaningful (and non-null) only if no problem was recorded. */
    static GatewayConfig read(ConfigNode root) {
        root.rejectUnknownKeys(ConfigKeys.SECTIONS, "section");
        ServerSettings server = readServer(root.get(SERVER));
        UpstreamSettings upstream = readUpstream(root.get(UPSTREAM));
        RoutingSettings routing = readRouting(root.get(ROUTING));
        ConfigNode providerSection = root.get(API_PROVIDER);
        Map<String, ProviderConfig> providers = readProviders(providerSection);
        Map<String, ModelConfig> models = readModels(root.get(MODEL_CONFIG), providerNames(providerSection));
        List<String> auto = readAuto(root.get(AUTO), models);
        GatewayConfig core = assemble(server, upstream, routing, providers, models, auto);
        AdminSettings admin = readAdmin(root.get(ConfigKeys.ADMIN));
        LoggingSettings logging = readLogging(root.get(ConfigKeys.LOGGING));
        MetricsSettings metrics = readMetrics(root.get(ConfigKeys.METRICS));
        AccessSettings access = readAccess(root.get(ConfigKeys.GATEWAY), models,
                auto.isEmpty() ? List.copyOf(models.keySet()) : auto);
        LimitsStoreSettings limitsStore = readLimitsStore(root);
        return core == null ? null : new GatewayConfig(server, upstream, routing, core.providers(), core.models(),
                core.autoModels(), admin, logging, metrics, access, limitsStore);
    }

    private static AdminSettings readAdmin(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.ADMIN_OPTIONS, OPTION);
        ConfigNode tokenNode = section.get("token");
        String token = tokenNode.asSecret();
        if (!token.isEmpty() && token.length() < AdminSettings.MIN_TOKEN_LENGTH) {
            tokenNode.problem("too short (expected: at least " + AdminSettings.MIN_TOKEN_LENGTH
                    + " characters, e.g. from openssl rand -hex 24; value not shown)");
        }
        return new AdminSettings(token.isEmpty() ? null : token,
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
        return new MetricsSettings(section.get("enabled").asBoolean(d.enabled()),
                section.get("require_admin").asBoolean(d.requireAdmin()));
    }

    private static AccessSettings readAccess(ConfigNode section, Map<String, ModelConfig> models,
            List<String> autoModels) {
        section.rejectUnknownKeys(ConfigKeys.GATEWAY_OPTIONS, OPTION);
        List<AccessSettings.ClientKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (ConfigNode entry : section.get("api_keys").elements()) {
            AccessSettings.ClientKey key = entry.isMapping() ? readClientKey(entry, models, autoModels)
                    : new AccessSettings.ClientKey("key" + (keys.size() + 1), entry.asSecret(), Limits.UNLIMITED,
                            Limits.UNLIMITED, List.of());
            if (key.key().isEmpty()) {
                continue; // "${KEY:-}" with KEY unset: that entry is switched off
            } else if (!names.add(key.name())) {
                entry.problem("duplicate key name "
                        + (entry.isMapping() ? entry.get("name").written() : ConfigNode.quote(key.name())));
            } else if (!secrets.add(key.key())) {
                entry.problem("the same key is listed twice (value not shown)");
            } else {
                keys.add(key);
            }
        }
        return new AccessSettings(keys);
    }

    private static AccessSettings.ClientKey readClientKey(ConfigNode entry, Map<String, ModelConfig> models,
            List<String> autoModels) {
        entry.rejectUnknownKeys(ConfigKeys.CLIENT_KEY_OPTIONS, OPTION);
        String name = entry.get("name").asNonEmptyString("a non-empty name", "");
        if (name.isEmpty()) {
            entry.get("name").problem("required: a name shown in logs instead of the key");
        }
        String secret = entry.get("key").asSecret();
        ConfigNode limits = entry.get("limits");
        limits.rejectUnknownKeys(List.of("rpm", "tpm"), OPTION);
        List<String> allowed = new ArrayList<>();
        for (ConfigNode model : entry.get("models").elements()) {
            String m = model.asNonEmptyString("a model name", null);
            if (m != null && !models.containsKey(m) && !GatewayConfig.AUTO_MODEL.equals(m)) {
                model.problem("unknown model " + model.written() + " (known: " + String.join(", ", models.keySet())
                        + ", auto)");
            } else if (m != null) {
                allowed.add(m);
            }
        }
        if (allowed.contains(GatewayConfig.AUTO_MODEL) && autoModels.stream().noneMatch(allowed::contains)) {
            // "auto" only ever chooses among the models the key may use: with none of them, it could serve nothing.
            entry.get("models").problem("lists auto but none of the models auto chooses from ("
                    + String.join(", ", autoModels) + "); auto only chooses among the models this key may use");
        }
        return new AccessSettings.ClientKey(name, secret, limits.get("rpm").asPositiveLong(Limits.UNLIMITED),
                limits.get("tpm").asPositiveLong(Limits.UNLIMITED), allowed);
    }

    /** {@code limits_store} (a Redis URI; absent or empty = memory) and its two top-level options. */
    private static LimitsStoreSettings readLimitsStore(ConfigNode root) {
        LimitsStoreSettings d = LimitsStoreSettings.MEMORY;
        Duration timeout = root.get(ConfigKeys.LIMITS_STORE_TIMEOUT).asDuration(d.timeout());
        double share = readShare(root.get(ConfigKeys.LIMITS_STORE_FALLBACK_SHARE), d.fallbackShare());
        URI uri = readRedisUri(root.get(ConfigKeys.LIMITS_STORE));
        return new LimitsStoreSettings(uri, timeout, share);
    }

    /**
     * {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}; null when absent or empty.
     * Read as a secret: a message never echoes the value, since it may carry a password.
     */
    private static URI readRedisUri(ConfigNode node) {
        String text = node.asSecret();
        if (text.isEmpty()) {
            return null;
        }
        String example = "a URI like redis://host:6379/0 or rediss://:password@host:6380/0 (value not shown)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            node.problem("expected " + example + "; special characters in a password must be %-encoded");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            node.problem("expected " + example + ": the scheme must be redis (plain) or rediss (TLS)");
            return null;
        }
        if (uri.getHost() == null) {
            node.problem("expected " + example + ": no host name"
                    + (uri.getRawAuthority() != null ? " (%-encode special characters in the password)" : ""));
            return null;
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,5}")) {
            node.problem("expected " + example + ": the path must be a database number like /0");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            node.problem("expected " + example + ": query options are not supported; use limits_store_timeout");
            return null;
        }
        return uri;
    }

    /** A fraction in (0, 1]: {@code 0.5}, {@code 50%} or {@code 1/3}. */
    private static double readShare(ConfigNode node, double defaultValue) {
        String text = node.asString(null);
        if (text == null) {
            return defaultValue;
        }
        double share;
        try {
            String t = text.strip();
            int slash = t.indexOf('/');
            if (t.endsWith("%")) {
                share = Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100;
            } else if (slash > 0) {
                share = Double.parseDouble(t.substring(0, slash).strip()) / Double.parseDouble(t.substring(slash + 1).strip());
            } else {
                share = Double.parseDouble(t);
            }
        } catch (NumberFormatException e) {
            share = Double.NaN;
        }
        if (!(share > 0 && share <= 1)) {
            node.expected("a share greater than 0 and at most 1, like 0.5, 50% or 1/3");
            return defaultValue;
        }
        return share;
    }

    private static ServerSettings readServer(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.SERVER_OPTIONS, OPTION);
        ServerSettings d = ServerSettings.DEFAULT;
        return new ServerSettings(
                section.get("host").asNonEmptyString("a host name or address", d.host()),
                section.get("port").asInt(0, 65535, "a port number from 0 to 65535", d.port()),
                section.get("max_body_size").asSize(d.maxBodyBytes()),
                section.get("io_threads").asInt(0, 1024, "0 (= number of cores) or a positive integer up to 1024",
                        d.ioThreads()),
                section.get("max_request_line").asSize(d.maxRequestLineBytes()),
                section.get("max_header_size").asSize(d.maxHeaderBytes()),
                section.get("max_headers").asInt(1, 10_000, "an integer from 1 to 10000", d.maxHeaders()),
                section.get("request_timeout").asDuration(d.requestTimeout()),
                section.get("idle_timeout").asDuration(d.idleTimeout()),
                section.get("max_in_flight").asInt(1, 1_000_000, "an integer from 1 to 1000000", d.maxInFlight()),
                section.get("max_buffered_body_size").asSize((int) d.maxBufferedBodyBytes()),
                section.get("shutdown_grace_period").asDuration(d.shutdownGracePeriod()),
                section.get("transport").asChoice(TRANSPORTS, d.transport()));
    }

    private static UpstreamSettings readUpstream(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.UPSTREAM_OPTIONS, OPTION);
        UpstreamSettings d = UpstreamSettings.DEFAULT;
        return new UpstreamSettings(
                section.get("connect_timeout").asDuration(d.connectTimeout()),
                section.get("response_timeout").asDuration(d.responseTimeout()),
                section.get("stream_first_byte_timeout").asDuration(d.streamFirstByteTimeout()),
                section.get("stream_idle_timeout").asDuration(d.streamIdleTimeout()),
                section.get("max_connections_per_loop").asInt(1, Integer.MAX_VALUE, "a positive integer",
                        d.maxConnectionsPerLoop()),
                section.get("acquire_timeout").asDuration(d.acquireTimeout()),
                section.get("idle_connection_timeout").asDuration(d.idleConnectionTimeout()),
                section.get("max_pending_acquires").asInt(0, Integer.MAX_VALUE, "0 or a positive integer",
                        d.maxPendingAcquires()));
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
                section.get("strategy").asChoice(STRATEGIES, d.strategy()),
                section.get("max_attempts").asInt(1, Integer.MAX_VALUE, "a positive integer", d.maxAttempts()),
                section.get("failure_threshold").asInt(1, Integer.MAX_VALUE, "a positive integer",
                        d.failureThreshold()),
                baseCooldown,
                maxCooldown,
                section.get("bad_key_cooldown").asDuration(d.badKeyCooldown()),
                section.get("rpd_window").asChoice(RPD_WINDOWS, d.rpdRolling()),
                section.get("time_zone").asZone(d.timeZone()));
    }

    private static Map<String, ProviderConfig> readProviders(ConfigNode section) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        if (!requireEntries(section, "at least one provider is required")) {
            return providers;
        }
        section.entries().forEach((name, entry) -> {
            if (ConfigKeys.MODEL_OPTIONS.contains(name)) {
                entry.problem("reserved name (model_config uses " + String.join(" and ", ConfigKeys.MODEL_OPTIONS)
                        + " as model options); rename this provider");
                return;
            }
            entry.rejectUnknownKeys(ConfigKeys.PROVIDER_OPTIONS, OPTION);
            URI baseUrl = readBaseUrl(entry.get("base_url"));
            String apiKey = entry.get("api_key").asSecret();
            Limits limits = readLimits(entry.get("limits"));
            String caFile = readCaFile(entry.get("ca_file"), baseUrl);
            Set<String> extraEndpoints = readExtraEndpoints(entry.get("extra_endpoints"));
            if (baseUrl != null) {
                providers.put(name, new ProviderConfig(name, baseUrl, apiKey, limits, caFile, extraEndpoints));
            }
        });
        return providers;
    }

    /** Endpoint families beyond the documented ones, by the first path segment after /v1 ({@code batches}). */
    private static Set<String> readExtraEndpoints(ConfigNode node) {
        Set<String> families = new LinkedHashSet<>();
        for (ConfigNode item : node.elements()) {
            String family = item.asNonEmptyString("an endpoint name like batches or fine_tuning", null);
            if (family == null) {
                if (item.isAbsent()) {
                    item.expected("an endpoint name like batches or fine_tuning");
                }
            } else if (Endpoints.FORWARDED.contains(family)) {
                item.problem(item.written() + " is always forwarded (so are " + String.join(", ", Endpoints.FORWARDED)
                        + "); list only other endpoints, like batches or fine_tuning");
            } else if (!ENDPOINT_NAME.matcher(family).matches()) {
                item.expected("an endpoint name like batches or fine_tuning (the path segment after /v1/)");
            } else if (!families.add(family)) {
                item.problem("duplicate endpoint " + item.written());
            }
        }
        return families;
    }

    /** A readable PEM file of certificates; only meaningful for an https base_url. */
    private static String readCaFile(ConfigNode node, URI baseUrl) {
        String file = node.asNonEmptyString("a path to a PEM file", null);
        if (file == null) {
            return null;
        }
        String shown = node.fromEnvironment() ? node.written() : file; // a message never shows an expansion
        if (baseUrl != null && !"https".equalsIgnoreCase(baseUrl.getScheme())) {
            node.problem("only used with an https base_url");
            return null;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                if (factory.generateCertificates(in).isEmpty()) {
                    node.problem("no certificate found in " + shown);
                    return null;
                }
            }
        } catch (IOException | CertificateException | InvalidPathException e) {
            node.problem("cannot read certificates from " + shown + ": "
                    + (node.fromEnvironment() ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
        return file;
    }

    /** Names a model may refer to: every provider written down, even one with errors of its own. */
    private static List<String> providerNames(ConfigNode section) {
        List<String> names = new ArrayList<>(section.entries().keySet());
        names.removeAll(ConfigKeys.MODEL_OPTIONS);
        return names;
    }

    private static URI readBaseUrl(ConfigNode node) {
        String what = "an absolute http or https URL like https://api.example.com/v1";
        if (node.isAbsent()) {
            node.problem("missing (expected " + what + ")");
            return null;
        }
        String text = node.asString(null);
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            node.expected(what);
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.isOpaque()) {
            node.expected(what);
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            // Do not echo the URL: the user info is a credential.
            node.problem("must not contain user:password@ (put the key in api_key)");
            return null;
        }
        if (uri.getHost() == null) {
            String authority = uri.getRawAuthority();
            node.expected(what + (authority != null && authority.contains("_")
                    ? " (with a valid host name: '_' is not allowed in host names)" : " (with a valid host name)"));
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            node.expected(what + " (without ?query or #fragment)");
            return null;
        }
        return withoutTrailingSlash(uri);
    }

    /** Requests are forwarded to {@code baseUrl + "/" + path}; a trailing slash would double it. */
    static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || !s.endsWith("/")) {
            return uri;
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return URI.create(s.substring(0, end));
    }

    private static Limits readLimits(ConfigNode node) {
        if (node.isAbsent()) {
            return Limits.NONE;
        }
        node.rejectUnknownKeys(ConfigKeys.LIMITS_OPTIONS, OPTION);
        return new Limits(
                node.get("rpm").asPositiveLong(Limits.UNLIMITED),
                node.get("tpm").asPositiveLong(Limits.UNLIMITED),
                node.get("rpd").asPositiveLong(Limits.UNLIMITED),
                node.get("tpr").asPositiveLong(Limits.UNLIMITED));
    }

    private static Map<String, ModelConfig> readModels(ConfigNode section, List<String> providerNames) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        if (!requireEntries(section, "at least one model is required")) {
            return models;
        }
        section.entries().forEach((name, entry) -> {
            if (GatewayConfig.AUTO_MODEL.equals(name)) {
                entry.problem("reserved model name (\"auto\" lets the gateway choose; see the auto section)");
                return;
            }
            Strategy strategy = entry.get("strategy").asChoice(STRATEGIES, null);
            String encoding = entry.get("encoding").asChoice(ENCODINGS, null);
            List<ModelRoute> routes = new ArrayList<>();
            boolean namedAnyProvider = false;
            for (Map.Entry<String, ConfigNode> e : entry.entries().entrySet()) {
                String provider = e.getKey();
                if (ConfigKeys.MODEL_OPTIONS.contains(provider)) {
                    continue;
                }
                namedAnyProvider = true;
                if (!providerNames.contains(provider)) {
                    if (!providerNames.isEmpty()) { // else "api_provider: missing" already says it all
                        e.getValue().problem("unknown provider (known: " + String.join(", ", providerNames) + ")");
                    }
                    continue;
                }
                routes.add(readRoute(name, provider, e.getValue()));
            }
            if (!namedAnyProvider && (entry.isAbsent() || entry.isMapping())) {
                entry.problem("no providers (list at least one api_provider name under the model)");
            }
            models.put(name, new ModelConfig(name, routes, strategy, encoding));
        });
        return models;
    }

    private static ModelRoute readRoute(String model, String provider, ConfigNode node) {
        node.rejectUnknownKeys(ConfigKeys.ROUTE_OPTIONS, OPTION);
        return new ModelRoute(
                provider,
                node.get("alias").asNonEmptyString("a non-empty model name", model),
                node.get("enable").asBoolean(true),
                node.get("weight").asInt(1, Integer.MAX_VALUE, "a positive integer", 1));
    }

    private static List<String> readAuto(ConfigNode node, Map<String, ModelConfig> models) {
        Set<String> auto = new LinkedHashSet<>();
        for (ConfigNode item : node.elements()) {
            String model = item.asNonEmptyString("a model name", null);
            if (model == null) {
                if (item.isAbsent()) {
                    item.expected("a model name");
                }
            } else if (!models.containsKey(model)) {
                item.problem("unknown model " + item.written() + " (known: " + String.join(", ", models.keySet())
                        + ")");
            } else if (!auto.add(model)) {
                item.problem("duplicate model " + item.written());
            }
        }
        return List.copyOf(auto);
    }

    /** False (with a problem recorded) when a required mapping section is missing, empty or not a mapping. */
    private static boolean requireEntries(ConfigNode section, String why) {
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
    private static <E extends Enum<E>> Map<String, E> byConfigName(E[] values, Function<E, String> configName) {
        Map<String, E> map = new LinkedHashMap<>();
        for (E value : values) {
            map.put(configName.apply(value), value);
        }
        return map;
    }

    private static Map<String, String> encodings() {
        Map<String, String> map = new LinkedHashMap<>();
        for (EncodingType e : EncodingType.values()) {
            map.put(e.getName(), e.getName());
        }
        return map;
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
    private static GatewayConfig assemble(ServerSettings server, UpstreamSettings upstream, RoutingSettings routing,
            Map<String, ProviderConfig> providers, Map<String, ModelConfig> models, List<String> auto) {
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
