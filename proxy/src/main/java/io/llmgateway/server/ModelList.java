package io.llmgateway.server;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.util.JsonStrings;

/** {@code GET /v1/models} in OpenAI's list shape: every configured model plus {@code auto}. */
final class ModelList {
    private static final long CREATED = System.currentTimeMillis() / 1000;
    private static final String OWNER = "llm-gateway";

    private ModelList() {
    }

    static String all(GatewayConfig config) {
        StringBuilder sb = new StringBuilder(64 + 96 * config.models().size());
        sb.append("{\"object\":\"list\",\"data\":[");
        for (String name : config.models().keySet()) {
            appendModel(sb, name);
            sb.append(',');
        }
        appendModel(sb, GatewayConfig.AUTO_MODEL);
        return sb.append("]}").toString();
    }

    /** One model object, or null when the gateway does not serve {@code id}. */
    static String one(GatewayConfig config, String id) {
        if (!config.models().containsKey(id) && !GatewayConfig.AUTO_MODEL.equals(id)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(96);
        appendModel(sb, id);
        return sb.toString();
    }

    private static void appendModel(StringBuilder sb, String id) {
        sb.append("{\"id\":");
        JsonStrings.appendQuoted(sb, id);
        sb.append(",\"object\":\"model\",\"created\":").append(CREATED).append(",\"owned_by\":\"").append(OWNER)
                .append("\"}");
    }
}
