package io.llmgateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One HTTP/2 connection to a provider, as its {@link H2Pool} sees it, and the last handler of its pipeline
 * (after the multiplex handler, where connection-level frames arrive). Confined to the pool's event loop.
 *
 * <p>It is ready once the provider's first SETTINGS frame arrived: only then is its
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} known. It is draining once a GOAWAY arrived: its streams in flight
 * finish, no new one starts on it.
 */
final class H2Connection extends ChannelInboundHandlerAdapter {
    /** What the pool hears from its connections. */
    interface Events {
        /** The connection became ready, its stream limit changed, or it began to drain. */
        void changed(H2Connection c);

        /** The provider's ALPN chose HTTP/1.1 (or nothing): the connection is closing. */
        void http1Only(H2Connection c);
    }

    private final Events events;
    Channel channel;
    private Http2StreamChannelBootstrap streams;
    boolean ready;
    boolean draining;
    /** The provider's SETTINGS_MAX_CONCURRENT_STREAMS; unlimited until it says otherwise. */
    long maxStreams = Long.MAX_VALUE;
    /** Stream channels open or opening on this connection. */
    int active;
    /** When {@link #active} last dropped to 0, from the pool's ticker. */
    long idleSince;

    ScheduledFuture<?> idleCheck;
    /** Why the connection failed before it was ready (connect, TLS), or null. */
    Throwable failure;

    H2Connection(Events events) {
        this.events = events;
    }

    /** A new stream channel on this connection, whose pipeline {@code init} builds. */
    Future<Http2StreamChannel> openStream(ChannelHandler init) {
        if (streams == null) {
            streams = new Http2StreamChannelBootstrap(channel).handler(init);
        }
        return streams.open();
    }

    /** Whether a new stream may start on it now. */
    boolean hasRoom() {
        return ready && !draining && active < maxStreams && channel.isActive();
    }

    /** The provider's ALPN did not choose h2. */
    void refusedHttp2() {
        events.http1Only(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings) {
                Long max = settings.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = max;
                }
                ready = true;
                events.changed(this);
            } else if (msg instanceof Http2GoAwayFrame && !draining) {
                draining = true;
                events.changed(this);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A connection error (the codec has sent GOAWAY): its streams fail as the connection closes.
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }
}
