package io.llmgateway.admin;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.ProviderApi;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's changes of a provider's {@code api}. Options that only one api uses go when the provider
 * moves to another api, unless the same change sets them: left behind, each would make the config invalid.
 */
final class ProviderApiEdits {
    /** The options that belong to one api, with that api. */
    static final Map<String, ProviderApi> API_OPTIONS = Map.of(
            "anthropic_version", ProviderApi.ANTHROPIC,
            "default_max_tokens", ProviderApi.ANTHROPIC,
            "api_version", ProviderApi.AZURE);

    private ProviderApiEdits() {}

    /**
     * Sets {@code provider}'s api to {@code value} (null or empty: the default, openai) and removes the options
     * of other apis not in {@code changed}.
     *
     * @return null, or what is wrong with {@code value}
     */
    static String setApi(ConfigDocument doc, String provider, Object value, Set<?> changed) {
        ProviderApi api;
        if (value == null || "".equals(value)) {
            api = ProviderApi.OPENAI;
            doc.remove(ConfigEdits.API_PROVIDER, provider, "api");
        } else if (value instanceof String s && isApi(s.strip())) {
            api = ProviderApi.valueOf(s.strip().toUpperCase(Locale.ROOT));
            doc.putString(api.configName(), ConfigEdits.API_PROVIDER, provider, "api");
        } else {
            return "api: expected one of openai, anthropic, azure or null";
        }
        for (Map.Entry<String, ProviderApi> option : API_OPTIONS.entrySet()) {
            if (option.getValue() != api && !changed.contains(option.getKey())) {
                doc.remove(ConfigEdits.API_PROVIDER, provider, option.getKey());
            }
        }
        return null;
    }

    private static boolean isApi(String s) {
        for (ProviderApi api : ProviderApi.values()) {
            if (api.configName().equalsIgnoreCase(s)) {
                return true;
            }
        }
        return false;
    }
}
