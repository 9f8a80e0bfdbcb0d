package io.llmgateway.route;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import java.util.function.Predicate;

/**
 * What one request may be routed to, beyond its model: the models its client key may use (so that
 * {@code "auto"} chooses only among them) and the endpoint family of its path (so that only providers
 * that take that family are candidates).
 */
public final class RouteScope {
    /** No bound: every model of {@code auto}, every provider of the model. */
    public static final RouteScope ANY = new RouteScope(null, null, null);

    private final Predicate<String> models;
    private final String family;
    private final Predicate<ProviderConfig> providers;

    private RouteScope(Predicate<String> models, String family, Predicate<ProviderConfig> providers) {
        this.models = models;
        this.family = family;
        this.providers = providers;
    }

    /**
     * @param models the models the caller may use, or null for every model
     * @param family the path's endpoint family as {@link io.llmgateway.config.Endpoints#extraFamily} names it
     *               (null: a family every provider takes)
     */
    public static RouteScope of(Predicate<String> models, String family) {
        return models == null && family == null ? ANY : new RouteScope(models, family, null);
    }

    /**
     * This scope, further bound to the providers {@code servable} accepts (those whose wire format the request
     * can be sent in); {@code servable} null: no further bound.
     */
    public RouteScope withProviders(Predicate<ProviderConfig> servable) {
        return servable == null ? this : new RouteScope(models, family, servable);
    }

    /** Whether some providers are out of this scope (a family only some take, or a bound on providers). */
    public boolean restrictsProviders() {
        return family != null || providers != null;
    }

    /** Whether {@code model} (a configured model, not {@code "auto"}) may be chosen. */
    public boolean allowsModel(String model) {
        return models == null || models.test(model);
    }

    /** Whether {@code provider} may be sent this request. */
    public boolean allowsProvider(ProviderConfig provider) {
        return provider.takes(family) && (providers == null || providers.test(provider));
    }

    /** The endpoint family that only some providers take, or null. */
    public String family() {
        return family;
    }

    /**
     * Whether {@code model} (or, for {@code "auto"}, one of its models this scope allows) has a route to a
     * provider in this scope, enabled or not.
     */
    public boolean reaches(GatewayConfig config, String model) {
        if (!GatewayConfig.AUTO_MODEL.equals(model)) {
            return hasProvider(config, model);
        }
        for (String m : config.autoModels()) {
            if (allowsModel(m) && hasProvider(config, m)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasProvider(GatewayConfig config, String model) {
        ModelConfig m = config.models().get(model);
        if (m == null) {
            return false;
        }
        for (ModelRoute route : m.routes()) {
            ProviderConfig p = config.providers().get(route.provider());
            if (p != null && allowsProvider(p)) {
                return true;
            }
        }
        return false;
    }
}
