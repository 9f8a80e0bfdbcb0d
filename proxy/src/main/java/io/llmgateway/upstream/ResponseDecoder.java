package io.llmgateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * The response decoder of an upstream channel. It also notes whether any byte arrived since the current
 * lease began: a connection that fails before that may be retried (see {@link UpstreamHandler}), and a
 * partial status line, which the decoder swallows without a message when the connection closes, still
 * counts as an answer begun.
 */
final class ResponseDecoder extends HttpResponseDecoder implements UpstreamHandler.RetryHint {
    /** Any byte read since the lease began; reset by {@link UpstreamHandler#bind}. */
    private boolean received;

    ResponseDecoder() {
        // Requests go out as bytes (ProxyExchange writes their head itself), so no encoder and no method
        // per request: all of them are POSTs, GETs at most, never a HEAD whose response would have no body.
        super(4096, 64 * 1024, 64 * 1024);
    }

    @Override
    public void leased() {
        received = false;
    }

    /**
     * The connection served an earlier exchange and not one byte of the current exchange's answer arrived:
     * when it fails now, the provider most likely closed it as idle while the request was on its way.
     */
    @Override
    public boolean unprocessed(int leases) {
        return leases > 1 && !received;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
            received = true;
        }
        super.channelRead(ctx, msg);
    }
}
