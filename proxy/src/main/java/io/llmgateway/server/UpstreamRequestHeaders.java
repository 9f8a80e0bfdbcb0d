package io.llmgateway.server;

import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.trace.ExchangeTrace;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The head of the request sent to an HTTP/2 provider: the same headers as {@link UpstreamRequestHead} writes for
 * HTTP/1.1, as a headers frame. The pseudo-headers replace the request line and {@code Host}; names are lower
 * case; {@link HeaderPolicy} already leaves out every connection-specific header HTTP/2 forbids
 * ({@code connection}, {@code keep-alive}, {@code transfer-encoding}, {@code upgrade}, {@code te}, ...).
 */
final class UpstreamRequestHeaders {
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString HTTP = AsciiString.cached("http");

    private UpstreamRequestHeaders() {}

    /**
     * The request's headers frame; the body follows as the stream's last DATA frame.
     *
     * @param tls whether the provider's origin is https ({@code :scheme})
     * @param trace when it {@linkplain ExchangeTrace#replacesContext replaces} the client's trace context, adds
     *              its own instead
     * @see UpstreamRequestHead#encode(io.netty.buffer.ByteBufAllocator, String, HttpHeaders, String, int, String,
     *      String, String, ProviderDialect, ExchangeTrace)
     */
    static Http2HeadersFrame frame(
            String path,
            HttpHeaders client,
            boolean tls,
            String authority,
            int contentLength,
            String requestId,
            String keyHeader,
            String key,
            ProviderDialect dialect,
            ExchangeTrace trace) {
        UpstreamRequestHead.checkTarget(path);
        // Not validated again: the names come from the server's decoder, the dialects and the config.
        Http2Headers h = new DefaultHttp2Headers(false)
                .method(POST)
                .path(path)
                .scheme(tls ? HTTPS : HTTP)
                .authority(authority);
        List<String> connectionListed = HeaderPolicy.connectionListed(client);
        boolean traced = trace.replacesContext();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = client.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            boolean forwarded = traced
                    ? HeaderPolicy.forwardedWithoutTraceContext(header.getKey(), connectionListed)
                    : HeaderPolicy.forwarded(header.getKey(), connectionListed);
            if (forwarded) {
                h.add(AsciiString.of(header.getKey()).toLowerCase(), header.getValue());
            }
        }
        if (traced) {
            trace.propagate((name, value) -> h.set(AsciiString.of(name).toLowerCase(), value));
        }
        if (dialect != null) {
            dialect.headers(client, (name, value) -> h.add(AsciiString.of(name).toLowerCase(), value));
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        h.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        h.set(RequestIds.HEADER, requestId);
        if (key != null) {
            h.set(AsciiString.of(keyHeader).toLowerCase(), key);
        }
        return new DefaultHttp2HeadersFrame(h, false);
    }
}
