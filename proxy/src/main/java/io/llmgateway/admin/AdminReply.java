package io.llmgateway.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An admin API handler's answer. */
record AdminReply(int status, String json, Map<String, String> headers) {
    static AdminReply ok(String json) {
        return new AdminReply(200, json, Map.of());
    }

    static AdminReply error(int status, String code, String message) {
        return new AdminReply(status, AdminHttp.errorJson(status, code, message, null, null), Map.of());
    }

    static AdminReply notAllowed(HttpMethod allowed) {
        return new AdminReply(
                405,
                AdminHttp.errorJson(405, "method_not_allowed", "Use " + allowed + " for this path.", null, null),
                Map.of("allow", allowed.name()));
    }

    static CompletionStage<AdminReply> done(AdminReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
