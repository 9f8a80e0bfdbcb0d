package io.llmgateway.route;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.RoutingSettings;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.config.Strategy;
import io.llmgateway.config.UpstreamSettings;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small builder of configs for router tests. */
final class TestConfigs {
    private final Map<String, ProviderConfig> providers = new LinkedHashMap<>();
    private final Map<String, ModelConfig> models = new LinkedHashMap<>();
    private final List<String> autoModels = new ArrayList<>();
    private RoutingSettings routing = routing(Strategy.PRIORITY);

    static RoutingSettings routing(Strategy strategy) {
        return new RoutingSettings(
                strategy,
                3,
                3,
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofMinutes(30),
                false,
                ZoneOffset.UTC);
    }

    TestConfigs routing(RoutingSettings settings) {
        routing = settings;
        return this;
    }

    TestConfigs provider(String name, long rpm, long tpm, long rpd, long tpr) {
        providers.put(
                name,
                new ProviderConfig(
                        name,
                        URI.create("https://" + name + ".example/v1"),
                        "sk-secret-" + name,
                        new Limits(rpm, tpm, rpd, tpr)));
        return this;
    }

    TestConfigs provider(String name) {
        return provider(name, Limits.UNLIMITED, Limits.UNLIMITED, Limits.UNLIMITED, Limits.UNLIMITED);
    }

    /** Lets a provider added before take these extra endpoint families ({@code batches}, ...). */
    TestConfigs extraEndpoints(String provider, String... families) {
        ProviderConfig p = providers.get(provider);
        providers.put(
                provider,
                new ProviderConfig(
                        p.name(), p.baseUrl(), p.apiKey(), p.limits(), p.caFile(), java.util.Set.of(families)));
        return this;
    }

    TestConfigs model(String name, Strategy strategy, ModelRoute... routes) {
        models.put(name, new ModelConfig(name, List.of(routes), strategy, null));
        return this;
    }

    TestConfigs model(String name, ModelRoute... routes) {
        return model(name, null, routes);
    }

    TestConfigs auto(String... names) {
        autoModels.addAll(List.of(names));
        return this;
    }

    static ModelRoute route(String provider) {
        return new ModelRoute(provider, provider + "-alias", true, 1);
    }

    static ModelRoute weighted(String provider, int weight) {
        return new ModelRoute(provider, provider + "-alias", true, weight);
    }

    static ModelRoute disabled(String provider) {
        return new ModelRoute(provider, provider + "-alias", false, 1);
    }

    GatewayConfig build() {
        return new GatewayConfig(
                ServerSettings.DEFAULT, UpstreamSettings.DEFAULT, routing, providers, models, autoModels);
    }
}
