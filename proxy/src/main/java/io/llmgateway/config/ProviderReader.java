package io.llmgateway.config;

import static io.llmgateway.config.ConfigReader.OPTION;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code api_provider}: each provider's api, base URL, key, api options, limits, CA file, extra endpoints and HTTP/2. */
final class ProviderReader {
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    static final Map<String, ProviderApi> APIS =
            ConfigReader.byConfigName(ProviderApi.values(), ProviderApi::configName);

    private ProviderReader() {}

    static Map<String, ProviderConfig> readProviders(ConfigNode section) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        if (!ConfigReader.requireEntries(section, "at least one provider is required")) {
            return providers;
        }
        section.entries().forEach((name, entry) -> {
            if (ConfigKeys.MODEL_OPTIONS.contains(name)) {
                List<String> options = ConfigKeys.MODEL_OPTIONS;
                entry.problem("reserved name (model_config uses "
                        + String.join(", ", options.subList(0, options.size() - 1)) + " and "
                        + options.get(options.size() - 1) + " as model options); rename this provider");
                return;
            }
            entry.rejectUnknownKeys(ConfigKeys.PROVIDER_OPTIONS, OPTION);
            URI baseUrl = readBaseUrl(entry.get("base_url"));
            String apiKey = entry.get("api_key").asSecret();
            Limits limits = readLimits(entry.get("limits"));
            String caFile = readCaFile(entry.get("ca_file"), baseUrl);
            Set<String> extraEndpoints = readExtraEndpoints(entry.get("extra_endpoints"));
            ProviderApi api = readApi(entry.get("api"));
            String anthropicVersion = ApiOptions.anthropicVersion(entry, api);
            String apiVersion = ApiOptions.apiVersion(entry, api);
            int defaultMaxTokens = ApiOptions.defaultMaxTokens(entry, api);
            boolean http2 = entry.get("http2").asBoolean(false);
            if (baseUrl != null) {
                providers.put(
                        name,
                        new ProviderConfig(
                                name,
                                baseUrl,
                                apiKey,
                                limits,
                                caFile,
                                extraEndpoints,
                                api == null ? ProviderApi.OPENAI : api,
                                anthropicVersion,
                                apiVersion,
                                defaultMaxTokens,
                                http2));
            }
        });
        return providers;
    }

    /** The provider's api; null when written wrong (reported), so that its options are not judged by a guess. */
    private static ProviderApi readApi(ConfigNode node) {
        return node.isAbsent() ? ProviderApi.OPENAI : node.asChoice(APIS, null);
    }

    /** Endpoint families beyond the documented ones, by the first path segment after /v1 ({@code batches}). */
    private static Set<String> readExtraEndpoints(ConfigNode node) {
        Set<String> families = new LinkedHashSet<>();
        for (ConfigNode item : node.elements()) {
            String family = ConfigReader.nonEmptyItem(item, "an endpoint name like batches or fine_tuning");
            if (family == null) {
                continue; // reported
            }
            if (Endpoints.FORWARDED.contains(family)) {
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
    static List<String> providerNames(ConfigNode section) {
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
            node.expected(what
                    + (authority != null && authority.contains("_")
                            ? " (with a valid host name: '_' is not allowed in host names)"
                            : " (with a valid host name)"));
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

    /**
     * Each provider's {@code budget}, by provider name. Kept beside {@link ProviderConfig} rather than in it, so
     * that spend settings and connection settings change independently.
     */
    static Map<String, Budget> readBudgets(ConfigNode section) {
        Map<String, Budget> budgets = new LinkedHashMap<>();
        section.entries().forEach((name, entry) -> {
            if (!ConfigKeys.MODEL_OPTIONS.contains(name)) {
                Budget budget = BudgetReader.readBudget(entry.get("budget"));
                if (budget != null) {
                    budgets.put(name, budget);
                }
            }
        });
        return budgets;
    }
}
