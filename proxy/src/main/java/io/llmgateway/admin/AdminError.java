package io.llmgateway.admin;

/**
 * One entry of the recent-errors panel.
 *
 * @param atMillis when it happened
 * @param source {@code request}, {@code health_check} or {@code config}
 * @param model the model concerned, or null
 * @param provider the provider concerned, or null
 * @param status the HTTP status (sent to the client, or the provider's), 0 when none
 * @param type a short kind ({@code timeout}, {@code server_error}, {@code invalid_config}, ...)
 * @param message one line, never a secret
 * @param requestId the request's x-request-id, or null
 */
record AdminError(
        long atMillis,
        String source,
        String model,
        String provider,
        int status,
        String type,
        String message,
        String requestId) {}
