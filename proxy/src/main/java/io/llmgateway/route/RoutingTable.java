package io.llmgateway.route;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.Strategy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of one config for routing: per model, its routes with their provider states
 * resolved to arrays, so admission walks arrays instead of looking names up.
 */
final class RoutingTable {

    final GatewayConfig config;
    final Map<String, ProviderState> providers;
    final Map<String, ModelPlan> models;

    private RoutingTable(GatewayConfig config, Map<String, ProviderState> providers, Map<String, ModelPlan> models) {
        this.config = config;
        this.providers = providers;
        this.models = models;
    }

    /**
     * Builds a table for {@code config}, reusing (and updating) the state of providers that still exist.
     *
     * @param shared the shared limits store new providers use, or null for in-memory counters
     */
    static RoutingTable build(
            GatewayConfig config, Map<String, ProviderState> previous, Clock clock, SharedStore shared) {
        Map<String, ProviderState> providers = new LinkedHashMap<>();
        for (ProviderConfig p : config.providers().values()) {
            ProviderState state = previous.get(p.name());
            if (state == null) {
                state = new ProviderState(p, config.routing(), clock, shared);
            } else {
                state.update(p, config.routing());
            }
            providers.put(p.name(), state);
        }
        Map<String, ModelPlan> models = new LinkedHashMap<>();
        for (ModelConfig m : config.models().values()) {
            ModelRoute[] routes = m.routes().toArray(new ModelRoute[0]);
            ProviderState[] states = new ProviderState[routes.length];
            for (int i = 0; i < routes.length; i++) {
                states[i] = providers.get(routes[i].provider());
            }
            Strategy strategy =
                    m.strategy() != null ? m.strategy() : config.routing().strategy();
            models.put(m.name(), new ModelPlan(m.name(), Chooser.of(strategy), routes, states));
        }
        return new RoutingTable(config, Collections.unmodifiableMap(providers), Collections.unmodifiableMap(models));
    }

    /**
     * The plans {@code model} (or {@code "auto"}) may choose from in {@code scope}, in order, or null for an
     * unknown model.
     */
    List<ModelPlan> plans(String model, RouteScope scope) {
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            return autoPlans(scope);
        }
        ModelPlan plan = models.get(model);
        return plan == null ? null : List.of(plan.within(scope));
    }

    /** The plans {@code "auto"} may choose from in {@code scope}, in order; a model with no route in it is left out. */
    List<ModelPlan> autoPlans(RouteScope scope) {
        List<ModelPlan> plans = new ArrayList<>(config.autoModels().size());
        for (String name : config.autoModels()) {
            ModelPlan plan = models.get(name);
            if (plan != null && scope.allowsModel(name)) {
                plan = plan.within(scope);
                if (plan.routes.length > 0) {
                    plans.add(plan);
                }
            }
        }
        return plans;
    }

    /**
     * The per-minute windows of {@code model} (or {@code "auto"}: every provider of its models) summed over
     * its enabled providers, each provider once, or null for an unknown model.
     */
    ModelWindows windows(String model, long now) {
        ModelWindows.Sum sum = new ModelWindows.Sum(now);
        if (GatewayConfig.AUTO_MODEL.equals(model)) {
            List<String> names = config.autoModels();
            for (int m = 0; m < names.size(); m++) {
                ModelPlan plan = models.get(names.get(m));
                if (plan != null) {
                    addEnabled(sum, plan, names, m);
                }
            }
        } else {
            ModelPlan plan = models.get(model);
            if (plan == null) {
                return null;
            }
            addEnabled(sum, plan, List.of(), 0);
        }
        return sum.result();
    }

    /** Adds the plan's enabled providers that no earlier plan (of {@code names} before index) added. */
    private void addEnabled(ModelWindows.Sum sum, ModelPlan plan, List<String> names, int index) {
        for (int i = 0; i < plan.routes.length; i++) {
            if (plan.routes[i].enabled() && !enabledEarlier(plan.states[i], names, index)) {
                sum.add(plan.states[i]);
            }
        }
    }

    private boolean enabledEarlier(ProviderState s, List<String> names, int index) {
        for (int m = 0; m < index; m++) {
            ModelPlan earlier = models.get(names.get(m));
            if (earlier == null) {
                continue;
            }
            for (int i = 0; i < earlier.routes.length; i++) {
                if (earlier.states[i] == s && earlier.routes[i].enabled()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One model's routes in config order; {@code states[i]} serves {@code routes[i]}. */
    static final class ModelPlan {
        final String name;
        final Chooser chooser;
        final ModelRoute[] routes;
        final ProviderState[] states;

        ModelPlan(String name, Chooser chooser, ModelRoute[] routes, ProviderState[] states) {
            this.name = name;
            this.chooser = chooser;
            this.routes = routes;
            this.states = states;
        }

        /**
         * The read-only checks of route {@code i}: enabled, not excluded, large enough, untried, circuit and
         * learned limits. Its counters are consulted only by taking them.
         */
        boolean eligible(int i, long tokens, Set<String> tried, boolean[] excluded, long now) {
            if (excluded != null && excluded[i]) {
                return false;
            }
            ProviderState s = states[i];
            return routes[i].enabled()
                    && tokens <= s.maxTokensPerRequest()
                    && !tried.contains(s.name)
                    && s.breaker.isAvailable(now)
                    && !s.learned.blocked(now);
        }

        /** The routes to providers in {@code scope}; this plan itself when every provider is in it. */
        ModelPlan within(RouteScope scope) {
            if (!scope.restrictsProviders()) {
                return this;
            }
            int n = 0;
            for (ProviderState s : states) {
                n += scope.allowsProvider(s.config()) ? 1 : 0;
            }
            if (n == states.length) {
                return this;
            }
            ModelRoute[] inRoutes = new ModelRoute[n];
            ProviderState[] inStates = new ProviderState[n];
            for (int i = 0, j = 0; i < states.length; i++) {
                if (scope.allowsProvider(states[i].config())) {
                    inRoutes[j] = routes[i];
                    inStates[j++] = states[i];
                }
            }
            return new ModelPlan(name, chooser, inRoutes, inStates);
        }
    }
}
