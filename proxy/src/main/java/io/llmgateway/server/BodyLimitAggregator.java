package io.llmgateway.server;

import io.llmgateway.openai.OpenAiErrors;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/** Collects request bodies up to a limit; an oversized one is refused with OpenAI's 413 before it is read. */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse response = OpenAiErrors.response(
                ctx.alloc(),
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                OpenAiErrors.INVALID_REQUEST,
                "The request body exceeds the gateway's limit of " + maxBodyBytes + " bytes (server.max_body_size).",
                null,
                "request_too_large");
        // The rest of the body would still be in flight: close rather than read and discard it.
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
