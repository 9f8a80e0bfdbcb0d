package io.llmgateway.server;

import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ErrorBody;
import io.llmgateway.route.Denial;
import io.llmgateway.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The error answers of a proxied exchange, in the client's dialect: the gateway's own (with Retry-After and the
 * model's rate limits where they help the client wait), and a provider's, relayed when it is already in the
 * client's shape and wrapped into it when not.
 */
final class ErrorReplies {
    private static final int MAX_PROVIDER_TEXT = 500;

    private ErrorReplies() {}

    /**
     * An error of the gateway's own; a 429 carries the model's rate limits.
     *
     * @param model the model the client asked for, or null when its request was not read
     */
    static FullHttpResponse gateway(
            ClientDialect dialect,
            ByteBufAllocator alloc,
            Router router,
            String model,
            int status,
            String message,
            String param,
            String code) {
        FullHttpResponse response = dialect.error(alloc, status, message, param, code);
        if (status == 429 && model != null) {
            RateLimitHeaders.apply(response.headers(), router.windows(model));
        }
        return response;
    }

    /** A request the limits or the router turned away. */
    static FullHttpResponse denial(
            ClientDialect dialect, ByteBufAllocator alloc, Router router, String model, Denial denial) {
        int status = denial.status();
        String code = denial.code() != null ? denial.code() : status == 429 ? "rate_limit_exceeded" : null;
        FullHttpResponse response = dialect.error(alloc, status, denial.message(), null, code);
        if (denial.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, denial.retryAfterSeconds());
        }
        if (status == 429) {
            RateLimitHeaders.apply(response.headers(), router.windows(model));
        }
        return response;
    }

    /** The gateway's own connection pools are full: the request is shed at once instead of queued. */
    static FullHttpResponse overloaded(ClientDialect dialect, ByteBufAllocator alloc, String message) {
        FullHttpResponse response = dialect.error(alloc, 503, message, null, "gateway_overloaded");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        return response;
    }

    /** The message that wraps a provider's error answer that is not in the client's shape. */
    static String wrapped(int status, String contentType, ByteBuf body) {
        ErrorBody error = ErrorBody.read(contentType, body);
        String text = error != null && error.message() != null
                ? error.message().strip()
                : body.toString(StandardCharsets.UTF_8).strip();
        if (text.length() > MAX_PROVIDER_TEXT) {
            text = text.substring(0, MAX_PROVIDER_TEXT) + "...";
        }
        return "The provider answered HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }

    /**
     * A provider's error answer as it is, but for its hop-by-hop headers and framing; a 429 carries the model's
     * rate limits instead of the provider's.
     *
     * @param body the whole body, owned by the result
     */
    static FullHttpResponse relayed(HttpResponse head, ByteBuf body, Router router, String model) {
        int status = head.status().code();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), body);
        HttpHeaders h = response.headers();
        h.set(head.headers());
        HeaderPolicy.stripResponseHeaders(h);
        RateLimitHeaders.apply(h, status == 429 ? router.windows(model) : null);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
