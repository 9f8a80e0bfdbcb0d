package io.llmgateway.server;

import io.llmgateway.cache.CachedAnswer;
import io.llmgateway.cache.Lookup;
import io.llmgateway.cache.ResponseCache;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The response cache's part in a proxied exchange: the lookup of a request for a model with caching on, and
 * the answer a hit sends (the stored JSON, or the stored stream with the usage event when the client asked for
 * it, as one body of known length: nothing is parsed or encoded on a hit).
 */
final class CacheReplies {
    private CacheReplies() {}

    /**
     * Looks {@code request} up when its model has caching on; null when it does not (its answers then say
     * nothing of the cache).
     *
     * @param quota the client key's, whose scope the entries are; null when the gateway has no keys
     * @param pathSuffix the client's path after {@code /v1}, with its query
     */
    static Lookup lookup(
            Gateway gateway,
            Gateway.Snapshot snapshot,
            FullHttpRequest request,
            RequestFacts info,
            ClientQuota quota,
            String pathSuffix) {
        ModelConfig model = snapshot.config.models().get(info.model());
        if (model == null || !model.cached()) {
            return null;
        }
        int q = pathSuffix.indexOf('?');
        return gateway.cache()
                .lookup(
                        q < 0 ? pathSuffix : pathSuffix.substring(0, q),
                        quota == null ? "open" : quota.cacheScope(),
                        info.model(),
                        request.content(),
                        model.cacheTtl(),
                        request.headers().get(HttpHeaderNames.CACHE_CONTROL));
    }

    /** The whole answer of a hit, in the shape {@code info} asks for. */
    static FullHttpResponse response(ByteBufAllocator alloc, CachedAnswer hit, RequestFacts info) {
        boolean stream = info.stream();
        ByteBuf body = hit.body(alloc, stream, info.clientIncludeUsage());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        HttpHeaders h = response.headers();
        h.set(
                HttpHeaderNames.CONTENT_TYPE,
                stream ? ProviderDialect.EVENT_STREAM : HttpHeaderValues.APPLICATION_JSON.toString());
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        h.set(ProxyExchange.MODEL_HEADER, hit.answerModel());
        h.set(ResponseCache.HEADER, ResponseCache.Outcome.HIT.value());
        return response;
    }
}
