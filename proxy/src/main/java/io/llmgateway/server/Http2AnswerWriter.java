package io.llmgateway.server;

import io.llmgateway.cache.ResponseCache;
import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.route.ModelWindows;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a provider's 2xx answer on an HTTP/2 stream past the stream's HttpObject codec: the head as one HEADERS
 * frame built here, the body as DATA frames as it arrives, END_STREAM on an empty last DATA frame. The HTTP/2
 * counterpart of {@link AnswerWriter} and {@link ClientResponseHead}: the same headers (the provider's end-to-end
 * ones as {@link HeaderPolicy#relayed} allows, then the gateway's own), without editing the provider's header map
 * and converting it again (a validated set per header, then a copy into a validated HTTP/2 map).
 *
 * <p>Names go out in lower case, as HTTP/2 requires. The provider's names and values were validated when its
 * answer was decoded and the gateway's own are its own ASCII, so the map is built without validation; the
 * connection-specific headers HTTP/2 forbids (connection, keep-alive, transfer-encoding, upgrade...) are
 * hop-by-hop and so never relayed.
 */
final class Http2AnswerWriter {
    private static final AsciiString MODEL = AsciiString.cached(ProxyExchange.MODEL_HEADER);
    private static final AsciiString BUDGET = AsciiString.cached(BudgetHeader.NAME);
    private static final AsciiString SERVER_TIMING = AsciiString.cached(ServerTiming.NAME);
    private static final AsciiString CACHE = AsciiString.cached(ResponseCache.HEADER);

    private final ChannelHandlerContext out;
    private final long contentLength; // -1: not announced

    private Http2AnswerWriter(ChannelHandlerContext out, long contentLength) {
        this.out = out;
        this.contentLength = contentLength;
    }

    /**
     * A writer for {@code answer} on the HTTP/2 stream of {@code ctx}, or null when the stream's pipeline has no
     * codec to write past.
     *
     * @param bodyChanges whether the gateway changes the body's length on the way (its length is then not sent)
     */
    static Http2AnswerWriter forAnswer(ChannelHandlerContext ctx, HttpResponse answer, boolean bodyChanges) {
        ChannelHandlerContext out = ctx.pipeline().context(Http2Front.STREAM_CODEC);
        if (out == null) {
            return null;
        }
        return new Http2AnswerWriter(out, bodyChanges ? -1 : HttpUtil.getContentLength(answer, -1L));
    }

    /** The body's length as the head announces it, or -1 when it announces none. */
    long contentLength() {
        return contentLength;
    }

    void head(Http2Headers head) {
        out.write(new DefaultHttp2HeadersFrame(head, false));
    }

    /** Writes {@code data} (readable, released by the write) as one DATA frame. */
    void content(ByteBuf data) {
        out.write(new DefaultHttp2DataFrame(data, false));
    }

    /** Ends the stream. */
    void end() {
        out.write(new DefaultHttp2DataFrame(true));
    }

    /**
     * The head of an answer on an HTTP/2 stream; the parameters are those of {@link ClientResponseHead#encode}, but
     * for the connection's keep-alive, which HTTP/2 does not carry.
     */
    static Http2Headers headers(
            HttpResponseStatus status,
            HttpHeaders provider,
            long contentLength,
            ModelWindows windows,
            String requestId,
            String model,
            String budgetRemaining,
            long preNanos,
            long postNanos,
            String cache) {
        Http2Headers h = new DefaultHttp2Headers(false, provider.size() + 12);
        h.status(status.codeAsText());
        List<String> listed = HeaderPolicy.connectionListed(provider);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = provider.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (HeaderPolicy.relayed(e.getKey(), listed)) {
                h.add(AsciiString.of(e.getKey()).toLowerCase(), e.getValue());
            }
        }
        if (contentLength >= 0) {
            h.setLong(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
        if (windows != null) {
            RateLimitHeaders.write(windows, h::add);
        }
        h.add(RequestIds.HEADER, requestId);
        h.add(MODEL, model);
        if (budgetRemaining != null) {
            h.add(BUDGET, budgetRemaining);
        }
        h.add(SERVER_TIMING, ServerTiming.value(preNanos, postNanos));
        if (cache != null) {
            h.add(CACHE, cache);
        }
        return h;
    }
}
