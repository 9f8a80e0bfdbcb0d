package io.llmgateway.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Collects request bodies up to a limit; an oversized one is refused with a 413 in its path's error shape before
 * it is read.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final Gateway gateway;

    BodyLimitAggregator(int maxBodyBytes, Gateway gateway) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
        this.gateway = gateway;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        String uri = oversized instanceof HttpRequest request ? request.uri() : "";
        FullHttpResponse response = gateway.clientDialect(uri)
                .error(
                        ctx.alloc(),
                        413,
                        "The request body exceeds the gateway's limit of " + maxBodyBytes
                                + " bytes (server.max_body_size).",
                        null,
                        "request_too_large");
        // The rest of the body would still be in flight: close rather than read and discard it.
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
