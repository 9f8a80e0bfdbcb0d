package io.llmgateway.server;

import io.llmgateway.anthropic.AnthropicClientDialect;
import io.llmgateway.config.Endpoints;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.route.RouteScope;
import io.llmgateway.util.ShortText;

/**
 * Refuses a proxied request that no provider in its {@link RouteScope} could take, with an answer that
 * names the reason: a path outside the documented endpoint families that no provider opted into
 * ({@code extra_endpoints}), or {@code auto} for a client key that may use none of auto's models.
 */
final class ScopeCheck {
    /** An answer in OpenAI's error shape. */
    record Refusal(int status, String message, String param, String code) {}

    private static final String FAMILIES = String.join(", ", Endpoints.FORWARDED);

    private ScopeCheck() {}

    /**
     * Before the body is read (it need not be JSON): a path that no provider takes is refused whatever the
     * body holds. Null when some provider takes it.
     */
    static Refusal path(GatewayConfig config, RouteScope scope, String pathAfterV1) {
        int q = pathAfterV1.indexOf('?');
        String v1Path = "/v1" + (q < 0 ? pathAfterV1 : pathAfterV1.substring(0, q));
        if (AnthropicClientDialect.forPath(v1Path) != null && !AnthropicClientDialect.serves(v1Path)) {
            return unknownUrl(
                    pathAfterV1, "of Anthropic's API the gateway serves /v1/messages and /v1/messages/count_tokens");
        }
        String family = scope.family();
        if (family == null) {
            return null;
        }
        if (family.equals(Endpoints.NONE)) {
            return unknownUrl(pathAfterV1, "a path segment may not start with '.'");
        }
        for (ProviderConfig p : config.providers().values()) {
            if (scope.allowsProvider(p)) {
                return null;
            }
        }
        return unknownUrl(
                pathAfterV1,
                "the gateway forwards " + FAMILIES + ", and other endpoints only to providers"
                        + " that list them in extra_endpoints; no provider lists \""
                        + ShortText.cap(family, RequestRecord.MAX_PATH_CHARS)
                        + '"');
    }

    /** Once the model is known: whether the model (for auto: one this key may use) reaches a provider in scope. */
    static Refusal model(GatewayConfig config, RouteScope scope, String model, ClientQuota quota, String pathAfterV1) {
        boolean auto = GatewayConfig.AUTO_MODEL.equals(model);
        if (auto && quota != null && config.autoModels().stream().noneMatch(scope::allowsModel)) {
            return new Refusal(
                    403,
                    "Client key '" + quota.keyName() + "' may use none of the models 'auto' chooses"
                            + " from (" + String.join(", ", config.autoModels())
                            + "), and auto only chooses among the models"
                            + " the key may use.",
                    "model",
                    "model_not_allowed");
        }
        if (scope.family() == null || scope.reaches(config, model)) {
            return null;
        }
        return unknownUrl(
                pathAfterV1,
                "no provider of " + (auto ? "the models 'auto' may choose" : "model '" + model + '\'') + " lists \""
                        + ShortText.cap(scope.family(), RequestRecord.MAX_PATH_CHARS) + "\" in extra_endpoints");
    }

    private static Refusal unknownUrl(String pathAfterV1, String why) {
        int q = pathAfterV1.indexOf('?');
        String path = "/v1" + (q < 0 ? pathAfterV1 : pathAfterV1.substring(0, q));
        // The path is the client's: cut, so that a huge one is not echoed.
        return new Refusal(
                404,
                "POST " + ShortText.cap(path, RequestRecord.MAX_PATH_CHARS) + " is not forwarded: " + why + '.',
                null,
                "unknown_url");
    }
}
