package io.llmgateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream channel: hands events to the exchange that leased the channel. A pooled
 * channel has no listener; anything it receives then is unsolicited, so the channel is closed rather
 * than trusted for the next exchange. It also keeps what the pool and a failing exchange need to know
 * about the connection: how often it was leased and since when it is idle.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    /** What a failing exchange may learn about its request: whether it may go again on another connection. */
    interface RetryHint {
        /** A lease begins: nothing of its answer has arrived yet. */
        void leased();

        /**
         * Nothing of the current answer arrived and the request was surely not processed, so it may go again,
         * once, on another connection.
         *
         * @param leases how often the channel was leased, this lease included
         */
        boolean unprocessed(int leases);
    }

    private final Channel channel;
    private final RetryHint hint;
    private UpstreamListener listener;
    private int leases;
    /** When the channel last went back to the pool, from the pool's ticker. */
    long idleSince;

    UpstreamHandler(Channel channel, RetryHint hint) {
        this.channel = channel;
        this.hint = hint;
    }

    static UpstreamHandler of(Channel channel) {
        return channel.pipeline().get(UpstreamHandler.class);
    }

    Channel channel() {
        return channel;
    }

    void bind(UpstreamListener newListener) {
        listener = newListener;
        leases++;
        hint.leased();
    }

    void unbind() {
        listener = null;
    }

    /** The request failing now was not processed by the provider ({@link RetryHint#unprocessed}). */
    boolean reusedAndUnanswered() {
        return hint.unprocessed(leases);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener l = listener;
        if (l != null && msg instanceof HttpObject) {
            l.onUpstreamMessage((HttpObject) msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        if (l != null) {
            l.onUpstreamReadComplete();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.onUpstreamError(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        listener = null;
        if (l != null) {
            l.onUpstreamClosed();
        }
    }
}
