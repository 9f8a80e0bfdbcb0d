package io.llmgateway.server;

import io.llmgateway.cache.ResponseCache;
import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.route.ModelWindows;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The head of a provider's answer as the gateway relays it to an HTTP/1.1 client, written straight as bytes:
 * the status line, the provider's end-to-end headers (as {@link HeaderPolicy#relayed} allows), then the
 * gateway's own (its framing, the model's rate limits, the request id, the model that answered, the key's
 * remaining budget, its own time). The mirror
 * of {@link UpstreamRequestHead}: editing the provider's header map (a removal per hop-by-hop name, a
 * validated set per added header) and encoding it with Netty's response encoder costs more than copying the
 * headers that stay.
 *
 * <p>Values go out as Netty's encoder writes them: a character up to U+00FF as its byte (the decoder read the
 * provider's bytes as ISO-8859-1, so they go out unchanged), any other as {@code ?}.
 */
final class ClientResponseHead {
    private static final byte[] HTTP_1_1 = HeadBytes.bytesOf("HTTP/1.1 ");
    private static final byte[] OK = HeadBytes.bytesOf("HTTP/1.1 200 OK\r\n");
    private static final byte[] CONTENT_LENGTH = HeadBytes.bytesOf("content-length: ");
    private static final byte[] CHUNKED = HeadBytes.bytesOf("transfer-encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = HeadBytes.bytesOf("connection: close\r\n");

    private ClientResponseHead() {}

    /**
     * @param status the provider's status
     * @param provider the provider's response headers (not modified)
     * @param contentLength the body's length in bytes, or -1 when it goes in chunks
     * @param windows the model's rate-limit windows, or null to send none
     * @param keepAlive false to tell the client that the connection closes after this answer
     * @param requestId the request's id, printable ASCII (see {@link RequestIds})
     * @param model the model that answered, for {@value ProxyExchange#MODEL_HEADER}
     * @param budgetRemaining what is left of the client key's budget, for {@value BudgetHeader#NAME}; null when
     *                        the key has none
     * @param preNanos the gateway's time before the provider was called, for {@value ServerTiming#NAME}
     * @param postNanos the gateway's time from the provider's answer to this head, for {@value ServerTiming#NAME}
     * @param cache the request's response cache outcome, or null when its model is not cached
     */
    static ByteBuf encode(
            ByteBufAllocator alloc,
            HttpResponseStatus status,
            HttpHeaders provider,
            long contentLength,
            ModelWindows windows,
            boolean keepAlive,
            String requestId,
            String model,
            String budgetRemaining,
            long preNanos,
            long postNanos,
            String cache) {
        HeadBytes h = HeadBytes.start();
        if (status.code() == 200) {
            h.bytes(OK);
        } else {
            h.bytes(HTTP_1_1)
                    .ascii(status.codeAsText())
                    .ascii(" ")
                    .ascii(status.reasonPhrase())
                    .crlf();
        }
        h.headers(provider, HeaderPolicy::relayed);
        if (contentLength < 0) {
            h.bytes(CHUNKED);
        } else {
            h.bytes(CONTENT_LENGTH).number(contentLength).crlf();
        }
        if (windows != null) {
            RateLimitHeaders.write(windows, h);
        }
        h.header(RequestIds.HEADER, requestId);
        if (!keepAlive) {
            h.bytes(CONNECTION_CLOSE);
        }
        h.header(ProxyExchange.MODEL_HEADER, model);
        if (budgetRemaining != null) {
            h.header(BudgetHeader.NAME, budgetRemaining);
        }
        ServerTiming.write(h, preNanos, postNanos);
        if (cache != null) {
            h.header(ResponseCache.HEADER, cache);
        }
        return h.crlf().toBuffer(alloc);
    }
}
