package io.llmgateway.trace;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute keys and event names of the gateway's spans: the HTTP and GenAI semantic conventions', and the
 * gateway's own under {@code llm_gateway.}. Made once: a key is an object the SDK compares by identity first.
 */
final class TraceAttributes {
    // HTTP and general semantic conventions
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    // GenAI semantic conventions
    static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

    // The gateway's own
    static final AttributeKey<String> GATEWAY_REQUEST_ID = AttributeKey.stringKey("llm_gateway.request_id");
    static final AttributeKey<String> GATEWAY_CLIENT_KEY = AttributeKey.stringKey("llm_gateway.client_key");
    static final AttributeKey<String> GATEWAY_PROVIDER = AttributeKey.stringKey("llm_gateway.provider");
    static final AttributeKey<String> GATEWAY_MODEL = AttributeKey.stringKey("llm_gateway.model");
    static final AttributeKey<Long> GATEWAY_ATTEMPT = AttributeKey.longKey("llm_gateway.attempt");
    static final AttributeKey<Long> GATEWAY_ATTEMPTS = AttributeKey.longKey("llm_gateway.attempts");
    static final AttributeKey<String> GATEWAY_CIRCUIT_STATE = AttributeKey.stringKey("llm_gateway.circuit_state");
    static final AttributeKey<String> GATEWAY_FAILOVER_REASON = AttributeKey.stringKey("llm_gateway.failover_reason");
    static final AttributeKey<String> GATEWAY_FAILOVER_FROM = AttributeKey.stringKey("llm_gateway.failover_from");
    static final AttributeKey<Double> GATEWAY_COST_USD = AttributeKey.doubleKey("llm_gateway.cost_usd");
    static final AttributeKey<Boolean> GATEWAY_TOKENS_ESTIMATED =
            AttributeKey.booleanKey("llm_gateway.tokens_estimated");
    static final AttributeKey<String> GATEWAY_ERROR_TYPE = AttributeKey.stringKey("llm_gateway.error_type");

    /** On an attempt's span of a stream: the first bytes of the answer went to the client. */
    static final String FIRST_TOKEN_EVENT = "llm_gateway.first_token";
    /** On the server span: an attempt failed and the next provider is tried. */
    static final String FAILOVER_EVENT = "llm_gateway.failover";

    private TraceAttributes() {}
}
