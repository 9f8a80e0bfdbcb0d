package io.llmgateway.openai;

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
 * Builds errors in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, which the official
 * SDKs turn into their typed exceptions.
 */
public final class OpenAiErrors {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String UPSTREAM = "upstream_error";
    public static final String TIMEOUT = "timeout_error";
    public static final String SERVER = "server_error";

    private OpenAiErrors() {}

    /** The JSON text of an error; {@code param} and {@code code} may be null. */
    public static String json(String type, String message, String param, String code) {
        StringBuilder sb = new StringBuilder(96 + message.length()).append("{\"error\":");
        return appendError(sb, type, message, param, code).append('}').toString();
    }

    /**
     * The error object alone, {@code {"message","type","param","code"}}, for a document that carries more
     * top-level fields beside it (the admin API's problems).
     */
    public static String errorObject(String type, String message, String param, String code) {
        return appendError(new StringBuilder(88 + message.length()), type, message, param, code)
                .toString();
    }

    private static StringBuilder appendError(StringBuilder sb, String type, String message, String param, String code) {
        sb.append("{\"message\":");
        JsonStrings.appendQuoted(sb, message);
        sb.append(",\"type\":");
        JsonStrings.appendQuoted(sb, type);
        sb.append(",\"param\":");
        JsonStrings.appendQuotedOrNull(sb, param);
        sb.append(",\"code\":");
        JsonStrings.appendQuotedOrNull(sb, code);
        return sb.append('}');
    }

    /** A complete JSON error response; the caller sets keep-alive and extra headers. */
    public static FullHttpResponse response(
            ByteBufAllocator alloc, HttpResponseStatus status, String type, String message, String param, String code) {
        byte[] bytes = json(type, message, param, code).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /** The error type OpenAI uses for a status, for errors the gateway itself produces. */
    public static String typeFor(int status) {
        switch (status) {
            case 400:
            case 404:
            case 405:
            case 408:
            case 413:
            case 414:
            case 415:
            case 431:
                return status == 404 ? NOT_FOUND : INVALID_REQUEST;
            case 401:
            case 403:
                return AUTHENTICATION;
            case 429:
                return RATE_LIMIT;
            case 504:
                return TIMEOUT;
            case 502:
            case 503:
                return UPSTREAM;
            default:
                return SERVER;
        }
    }
}
