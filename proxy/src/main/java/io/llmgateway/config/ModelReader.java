package io.llmgateway.config;

import static io.llmgateway.config.ConfigReader.OPTION;

import com.knuddels.jtokkit.api.EncodingType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code model_config} (each model's routes, strategy and encoding) and the {@code auto} list. */
final class ModelReader {
    static final Map<String, Strategy> STRATEGIES = ConfigReader.byConfigName(Strategy.values(), Strategy::configName);
    private static final Map<String, String> ENCODINGS = encodings();

    private ModelReader() {}

    static Map<String, ModelConfig> readModels(ConfigNode section, List<String> providerNames) {
        return readModels(section, providerNames, CacheSettings.DEFAULT.ttl());
    }

    /** @param cacheTtl the lifetime of a model's cached answers when it says {@code cache: true} */
    static Map<String, ModelConfig> readModels(ConfigNode section, List<String> providerNames, Duration cacheTtl) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        if (!ConfigReader.requireEntries(section, "at least one model is required")) {
            return models;
        }
        section.entries().forEach((name, entry) -> {
            if (GatewayConfig.AUTO_MODEL.equals(name)) {
                entry.problem("reserved model name (\"auto\" lets the gateway choose; see the auto section)");
                return;
            }
            Strategy strategy = entry.get("strategy").asChoice(STRATEGIES, null);
            String encoding = entry.get("encoding").asChoice(ENCODINGS, null);
            Duration modelCacheTtl = readCache(entry.get("cache"), cacheTtl);
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
            models.put(name, new ModelConfig(name, routes, strategy, encoding, modelCacheTtl));
        });
        return models;
    }

    /** {@code cache: true | false | {ttl: 1h}}: the lifetime of the model's cached answers, null when off. */
    private static Duration readCache(ConfigNode node, Duration defaultTtl) {
        if (node.isAbsent()) {
            return null;
        }
        if (node.isMapping()) {
            node.rejectUnknownKeys(List.of("ttl"), OPTION);
            return node.get("ttl").asDuration(defaultTtl);
        }
        Boolean on = node.asBoolean("true, false or a mapping like {ttl: 1h}");
        if (on == null) {
            return null; // reported
        }
        return on ? defaultTtl : null;
    }

    private static ModelRoute readRoute(String model, String provider, ConfigNode node) {
        node.rejectUnknownKeys(ConfigKeys.ROUTE_OPTIONS, OPTION);
        return new ModelRoute(
                provider,
                node.get("alias").asNonEmptyString("a non-empty model name", model),
                node.get("enable").asBoolean(true),
                node.get("weight").asInt(1, Integer.MAX_VALUE, "a positive integer", 1),
                SpendReader.readPrice(node.get("price")));
    }

    static List<String> readAuto(ConfigNode node, Map<String, ModelConfig> models) {
        Set<String> auto = new LinkedHashSet<>();
        for (ConfigNode item : node.elements()) {
            String model = ConfigReader.nonEmptyItem(item, "a model name");
            if (model == null) {
                continue; // reported
            }
            if (!models.containsKey(model)) {
                item.problem(
                        "unknown model " + item.written() + " (known: " + String.join(", ", models.keySet()) + ")");
            } else if (!auto.add(model)) {
                item.problem("duplicate model " + item.written());
            }
        }
        return List.copyOf(auto);
    }

    private static Map<String, String> encodings() {
        Map<String, String> map = new LinkedHashMap<>();
        for (EncodingType e : EncodingType.values()) {
            map.put(e.getName(), e.getName());
        }
        return map;
    }
}
