package io.llmgateway.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Collects request bodies up to a limit; an oversized one is refused with a 413 in its path's error shape before
 * it is read, and so is an expectation other than {@code 100-continue} (417).
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final Gateway gateway;

    BodyLimitAggregator(int maxBodyBytes, Gateway gateway) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
        this.gateway = gateway;
    }

    /** Netty's 417 has no body: the client gets one in its path's error shape (the connection closes after it). */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof FullHttpResponse netty) || netty.status().code() != 417) {
            return answer;
        }
        netty.release();
        String uri = start instanceof HttpRequest request ? request.uri() : "";
        FullHttpResponse response = gateway.clientDialect(uri)
                .error(
                        pipeline.channel().alloc(),
                        417,
                        "Unsupported Expect header: only \"Expect: 100-continue\" is accepted.",
                        null,
                        "expectation_failed");
        HttpUtil.setKeepAlive(response, false);
        return response;
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
