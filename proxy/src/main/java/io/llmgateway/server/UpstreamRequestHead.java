package io.llmgateway.server;

import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.trace.ExchangeTrace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The head of the request sent to a provider, written straight as bytes: always a POST with a known length,
 * the client's end-to-end headers (as {@link HeaderPolicy} allows), the provider dialect's, then the gateway's own. A header map built
 * for it would validate its names and values again (the server's decoder has validated the client's, the
 * config the gateway's) and encode them through Netty's request encoder: a large share of the request
 * write's event-loop time, spent on every request for nothing.
 *
 * <p>Values go out as Netty's encoder writes them: a character up to U+00FF as its byte (the server's decoder
 * read the client's bytes as ISO-8859-1, so they go out unchanged), any other as {@code ?}.
 */
final class UpstreamRequestHead {
    private static final byte[] POST = HeadBytes.bytesOf("POST ");
    private static final byte[] VERSION_CRLF = HeadBytes.bytesOf(" HTTP/1.1\r\n");
    private static final byte[] CONTENT_LENGTH = HeadBytes.bytesOf("content-length: ");
    private static final byte[] ACCEPT_IDENTITY = HeadBytes.bytesOf("accept-encoding: identity\r\n");

    private UpstreamRequestHead() {}

    /**
     * @param path the request target (the provider's base path and the client's path after {@code /v1})
     * @param client the client's request headers
     * @param authority the provider's host, with the port when not the scheme's default
     * @param contentLength the body's length in bytes
     * @param requestId the request's id, printable ASCII (see {@link RequestIds})
     * @param authorization the {@code Authorization} value for the provider, or null
     * @throws IllegalArgumentException if {@code path} holds a space or a line break (it would split the
     *                                  request line)
     */
    static ByteBuf encode(
            ByteBufAllocator alloc,
            String path,
            HttpHeaders client,
            String authority,
            int contentLength,
            String requestId,
            String authorization) {
        return encode(
                alloc,
                path,
                client,
                authority,
                contentLength,
                requestId,
                "authorization",
                authorization,
                null,
                ExchangeTrace.OFF);
    }

    /**
     * @param keyHeader the lower-case name of the header that carries the provider's key
     * @param key that header's value, or null to send none
     * @param dialect writes the provider's own headers ({@link ProviderDialect#headers}), or null for none
     * @param trace when it {@linkplain ExchangeTrace#replacesContext replaces} the client's trace context, writes
     *              its own instead
     * @see #encode(ByteBufAllocator, String, HttpHeaders, String, int, String, String)
     */
    static ByteBuf encode(
            ByteBufAllocator alloc,
            String path,
            HttpHeaders client,
            String authority,
            int contentLength,
            String requestId,
            String keyHeader,
            String key,
            ProviderDialect dialect,
            ExchangeTrace trace) {
        checkTarget(path);
        HeadBytes h = HeadBytes.start();
        h.bytes(POST).ascii(path).bytes(VERSION_CRLF);
        boolean traced = trace.replacesContext();
        h.headers(client, traced ? HeaderPolicy::forwardedWithoutTraceContext : HeaderPolicy::forwarded);
        if (traced) {
            trace.propagate(h::header);
        }
        if (dialect != null) {
            dialect.headers(client, h::header);
        }
        h.header("host", authority);
        h.bytes(CONTENT_LENGTH).number(contentLength).crlf();
        h.bytes(ACCEPT_IDENTITY);
        h.header(RequestIds.HEADER, requestId);
        if (key != null) {
            h.header(keyHeader, key);
        }
        return h.crlf().toBuffer(alloc);
    }

    /** @throws IllegalArgumentException if {@code path} holds a space or a line break */
    static void checkTarget(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == ' ' || c == '\r' || c == '\n') {
                throw new IllegalArgumentException("request target with a space or line break: " + path);
            }
        }
    }
}
