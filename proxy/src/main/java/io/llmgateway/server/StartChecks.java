package io.llmgateway.server;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.route.RouteScope;
import io.llmgateway.route.Router;

/**
 * Whether a request whose model is known may be routed: the client key may use the model, the gateway serves
 * it, and it reaches a provider in the request's scope. Refusals name the reason in the client's terms.
 */
final class StartChecks {
    private StartChecks() {}

    /** Null when the request may be routed. */
    static ScopeCheck.Refusal model(
            GatewayConfig config,
            Router router,
            RouteScope scope,
            String model,
            ClientQuota quota,
            String pathAfterV1) {
        if (quota != null && !quota.mayUse(model)) {
            return new ScopeCheck.Refusal(
                    403,
                    "Client key '" + quota.keyName() + "' may not use model '" + model + "'.",
                    "model",
                    "model_not_allowed");
        }
        if (!router.servesModel(model)) {
            return new ScopeCheck.Refusal(
                    404,
                    "The model '" + model + "' does not exist or is not served by this "
                            + "gateway. GET /v1/models lists the models it serves.",
                    "model",
                    "model_not_found");
        }
        return ScopeCheck.model(config, scope, model, quota, pathAfterV1);
    }
}
