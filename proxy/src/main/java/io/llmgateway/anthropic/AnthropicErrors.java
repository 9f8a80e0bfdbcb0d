package io.llmgateway.anthropic;

import io.llmgateway.util.JsonStrings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Builds errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}, as a JSON answer and
 * as the {@code event: error} of a stream; the official SDKs turn the status into their typed exceptions.
 */
public final class AnthropicErrors {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String API = "api_error";
    public static final String OVERLOADED = "overloaded_error";

    private AnthropicErrors() {}

    /** The error type Anthropic uses for a status. */
    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 413 -> REQUEST_TOO_LARGE;
            case 429 -> RATE_LIMIT;
            case 503, 529 -> OVERLOADED;
            default -> status >= 500 ? API : INVALID_REQUEST;
        };
    }

    /** The JSON text of an error. */
    public static String json(String type, String message) {
        StringBuilder sb = new StringBuilder(64 + message.length()).append("{\"type\":\"error\",\"error\":{\"type\":");
        JsonStrings.appendQuoted(sb, type);
        sb.append(",\"message\":");
        JsonStrings.appendQuoted(sb, message);
        return sb.append("}}").toString();
    }

    /** A complete JSON error response; the caller sets keep-alive and extra headers. */
    public static FullHttpResponse response(ByteBufAllocator alloc, int status, String message) {
        byte[] bytes = json(typeFor(status), message).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /** The {@code event: error} that ends a stream, as Anthropic sends it mid-stream. */
    public static ByteBuf event(ByteBufAllocator alloc, String type, String message) {
        byte[] bytes = ("event: error\ndata: " + json(type, message) + "\n\n").getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }
}
