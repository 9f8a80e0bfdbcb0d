package io.llmgateway.server;

import io.llmgateway.protocol.ClientDialect;

/**
 * A request refused on its head by {@link RequestGuard}: its body is never read. It travels down the pipeline
 * like a request so that {@link FrontHandler} answers it in turn, after the answers to earlier pipelined
 * requests, and then closes the connection.
 *
 * @param headOnly          whether the refused request was a HEAD (its answer then carries no body)
 * @param retryAfterSeconds the Retry-After of a 429, else 0
 * @param dialect           the wire format of the request's path, whose error shape the answer takes
 */
record HeadRefusal(
        int status,
        String message,
        String code,
        String requestId,
        boolean headOnly,
        long retryAfterSeconds,
        ClientDialect dialect) {
    HeadRefusal(int status, String message, String code, String requestId, boolean headOnly, ClientDialect dialect) {
        this(status, message, code, requestId, headOnly, 0, dialect);
    }
}
