package io.llmgateway.testing;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One request as {@link MockProvider} received it.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param uri the request target as sent, e.g. {@code /v1/chat/completions}
 * @param headers every header; lookups ignore case; repeated headers are joined with {@code ", "}
 * @param body the body decoded as UTF-8 ({@code ""} when empty)
 * @param connectionId which connection carried it (1 = the first one accepted); equal ids mean reuse
 */
public record RecordedRequest(String method, String uri, Map<String, String> headers, String body, int connectionId) {

    public RecordedRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }

    /** Returns the value of the header {@code name} (any case), or {@code null} if absent. */
    public String header(String name) {
        return headers.get(requireNonNull(name, "name"));
    }

    @Override
    public String toString() {
        // Headers are left out on purpose: they carry the provider key the gateway injected.
        return method + ' ' + uri + " (connection " + connectionId + ", " + body.length() + " chars)";
    }
}
