package io.llmgateway.admin;

import io.llmgateway.openai.OpenAiErrors;
import io.llmgateway.server.LocalExchange;
import io.llmgateway.util.JsonValues;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds the admin responses, every one with the security headers. */
final class AdminHttp {
    /** The page: only its own scripts and styles, no inline code, never framed. */
    static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** API answers are data, never rendered. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

    private AdminHttp() {}

    /**
     * Whether the exchange only reads (GET, or HEAD, which is sent no body); answers any other method with
     * 405 and returns false.
     */
    static boolean readOnly(LocalExchange exchange) {
        if (exchange.method() == HttpMethod.GET || exchange.method() == HttpMethod.HEAD) {
            return true;
        }
        exchange.respondError(405, "Use GET " + exchange.path() + '.', null, "method_not_allowed");
        return false;
    }

    /** A response with the admin security headers; {@code body} may be empty. */
    static FullHttpResponse response(LocalExchange exchange, int status, String contentType, byte[] body, String csp) {
        byte[] content = exchange.method() == HttpMethod.HEAD ? new byte[0] : body;
        ByteBuf buf = exchange.ctx().alloc().buffer(content.length).writeBytes(content);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), buf);
        HttpHeaders h = r.headers();
        if (contentType != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        h.set("content-security-policy", csp);
        h.set("x-content-type-options", "nosniff");
        h.set("x-frame-options", "DENY");
        h.set("referrer-policy", "no-referrer");
        h.set("cross-origin-opener-policy", "same-origin");
        h.set("cross-origin-resource-policy", "same-origin");
        return r;
    }

    static FullHttpResponse json(LocalExchange exchange, int status, String json) {
        FullHttpResponse r = response(
                exchange, status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), API_CSP);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    /** An error in OpenAI's shape, plus optional top-level fields (problems, version). */
    static String errorJson(int status, String code, String message, List<String> problems, Map<String, Long> extra) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeFieldName("error");
            g.writeRawValue(OpenAiErrors.errorObject(OpenAiErrors.typeFor(status), message, null, code));
            if (problems != null) {
                g.writeArrayFieldStart("problems");
                for (String p : problems) {
                    g.writeString(p);
                }
                g.writeEndArray();
            }
            if (extra != null) {
                for (Map.Entry<String, Long> e : extra.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
        });
    }
}
