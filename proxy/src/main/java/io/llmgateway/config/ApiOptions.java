package io.llmgateway.config;

import java.util.regex.Pattern;

/**
 * Reads the options of a provider that only one {@code api} uses; written for another api, each is an error
 * naming it, since it would be ignored without a word.
 */
final class ApiOptions {
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    /** Azure's versions: a date, perhaps with a suffix ({@code 2025-04-01-preview}), or {@code v1}. */
    private static final Pattern AZURE_VERSION = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z]+)?|v1");

    private ApiOptions() {}

    /** {@code anthropic_version}: a header value like {@code 2023-06-01}, for {@code api: anthropic}. */
    static String anthropicVersion(ConfigNode entry, ProviderApi api) {
        ConfigNode node = entry.get("anthropic_version");
        if (!belongs(node, api, ProviderApi.ANTHROPIC)) {
            return ProviderConfig.DEFAULT_ANTHROPIC_VERSION;
        }
        return matching(node, DATE, "a version date like 2023-06-01", ProviderConfig.DEFAULT_ANTHROPIC_VERSION);
    }

    /** {@code api_version}: Azure's {@code api-version} like {@code 2024-10-21}, or {@code v1}. */
    static String apiVersion(ConfigNode entry, ProviderApi api) {
        ConfigNode node = entry.get("api_version");
        if (!belongs(node, api, ProviderApi.AZURE)) {
            return ProviderConfig.DEFAULT_API_VERSION;
        }
        return matching(
                node,
                AZURE_VERSION,
                "an Azure api-version like 2024-10-21 or 2025-04-01-preview, or v1",
                ProviderConfig.DEFAULT_API_VERSION);
    }

    /** {@code default_max_tokens}: the {@code max_tokens} an Anthropic provider gets when the client sent none. */
    static int defaultMaxTokens(ConfigNode entry, ProviderApi api) {
        ConfigNode node = entry.get("default_max_tokens");
        if (!belongs(node, api, ProviderApi.ANTHROPIC)) {
            return ProviderConfig.DEFAULT_MAX_TOKENS;
        }
        return node.asInt(1, 1_000_000, "a whole number from 1 to 1000000", ProviderConfig.DEFAULT_MAX_TOKENS);
    }

    /**
     * Whether {@code node} is written and belongs to {@code api}; reports it when written for another one.
     *
     * @param api the provider's api, or null when that is written wrong (reported already)
     */
    private static boolean belongs(ConfigNode node, ProviderApi api, ProviderApi owner) {
        if (node.isAbsent() || api == null) {
            return false;
        }
        if (api != owner) {
            node.problem(
                    "only used with api: " + owner.configName() + " (this provider's api is " + api.configName() + ")");
            return false;
        }
        return true;
    }

    private static String matching(ConfigNode node, Pattern pattern, String what, String defaultValue) {
        String value = node.asString(null);
        if (value == null) {
            return defaultValue;
        }
        if (!pattern.matcher(value).matches()) {
            node.expected(what);
            return defaultValue;
        }
        return value;
    }
}
