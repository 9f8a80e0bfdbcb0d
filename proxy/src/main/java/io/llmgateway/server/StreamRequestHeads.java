package io.llmgateway.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Takes out of an HTTP/2 request's head the headers Netty's conversion adds for its own use (the stream id,
 * the scheme), so that they neither count against server.max_headers nor travel to a provider.
 */
@ChannelHandler.Sharable
final class StreamRequestHeads extends ChannelInboundHandlerAdapter {
    static final StreamRequestHeads INSTANCE = new StreamRequestHeads();

    private StreamRequestHeads() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            HttpHeaders h = request.headers();
            h.remove(ExtensionHeaderNames.STREAM_ID.text());
            h.remove(ExtensionHeaderNames.SCHEME.text());
        }
        ctx.fireChannelRead(msg);
    }
}
