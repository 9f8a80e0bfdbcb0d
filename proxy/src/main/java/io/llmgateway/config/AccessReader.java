package io.llmgateway.config;

import static io.llmgateway.config.ConfigReader.OPTION;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the client keys under {@code gateway} (names, secrets, limits and the models each may use). */
final class AccessReader {
    /** {@code cache_scope}: {@code key} (the default) keeps a key's cached answers its own. */
    private static final Map<String, Boolean> CACHE_SCOPES = cacheScopes();

    private AccessReader() {}

    private static Map<String, Boolean> cacheScopes() {
        Map<String, Boolean> scopes = new LinkedHashMap<>();
        scopes.put("key", false);
        scopes.put("shared", true);
        return scopes;
    }

    static AccessSettings readAccess(ConfigNode section, Map<String, ModelConfig> models, List<String> autoModels) {
        section.rejectUnknownKeys(ConfigKeys.GATEWAY_OPTIONS, OPTION);
        List<AccessSettings.ClientKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (ConfigNode entry : section.get("api_keys").elements()) {
            AccessSettings.ClientKey key = entry.isMapping()
                    ? readClientKey(entry, models, autoModels)
                    : new AccessSettings.ClientKey(
                            "key" + (keys.size() + 1), entry.asSecret(), Limits.UNLIMITED, Limits.UNLIMITED, List.of());
            if (key.key().isEmpty()) {
                continue; // "${KEY:-}" with KEY unset: that entry is switched off
            } else if (!names.add(key.name())) {
                entry.problem("duplicate key name "
                        + (entry.isMapping() ? entry.get("name").written() : ConfigText.quote(key.name())));
            } else if (!secrets.add(key.key())) {
                entry.problem("the same key is listed twice (value not shown)");
            } else {
                keys.add(key);
            }
        }
        return new AccessSettings(keys);
    }

    private static AccessSettings.ClientKey readClientKey(
            ConfigNode entry, Map<String, ModelConfig> models, List<String> autoModels) {
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
            entry.get("models")
                    .problem("lists auto but none of the models auto chooses from (" + String.join(", ", autoModels)
                            + "); auto only chooses among the models this key may use");
        }
        return new AccessSettings.ClientKey(
                name,
                secret,
                limits.get("rpm").asPositiveLong(Limits.UNLIMITED),
                limits.get("tpm").asPositiveLong(Limits.UNLIMITED),
                allowed,
                BudgetReader.readBudget(entry.get("budget")),
                entry.get("cache_scope").asChoice(CACHE_SCOPES, false));
    }
}
