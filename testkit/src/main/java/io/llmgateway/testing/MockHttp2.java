package io.llmgateway.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/2 mode of a {@link MockProvider}: each stream is an exchange of its own, answered like a request on
 * an HTTP/1.1 connection (behaviours that close or reset the connection reset the stream instead). Counts what
 * the tests of an HTTP/2 client look at: streams open at once, and streams the client reset.
 */
final class MockHttp2 {
    private final MockProvider mock;
    private final Http2Settings settings;
    private final int maxBodyBytes;
    private static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf(MockHttp2.class, "connection");
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger maxOpenStreams = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();

    MockHttp2(MockProvider mock, Http2Settings settings, int maxBodyBytes) {
        this.mock = mock;
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds the h2 server handlers to connection {@code connectionId}'s pipeline (after TLS, if any). */
    void configure(Channel ch, int connectionId) {
        connections.add(ch);
        Connection conn = new Connection(ch);
        ch.attr(CONNECTION).set(conn);
        ch.pipeline()
                .addLast(
                        Http2FrameCodecBuilder.forServer()
                                .initialSettings(settings)
                                .build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                maxOpenStreams.accumulateAndGet(openStreams.incrementAndGet(), Math::max);
                                conn.streams.incrementAndGet();
                                stream.closeFuture().addListener(f -> {
                                    openStreams.decrementAndGet();
                                    conn.streams.decrementAndGet();
                                    conn.streamEnded();
                                });
                                stream.pipeline()
                                        .addLast(
                                                new ResetCounter(),
                                                new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(maxBodyBytes),
                                                new MockHandler(mock, connectionId));
                            }
                        }));
    }

    /** The most streams that were open at the same time, over all connections. */
    int maxOpenStreams() {
        return maxOpenStreams.get();
    }

    /** Streams the client reset (RST_STREAM). */
    int resets() {
        return resets.get();
    }

    /**
     * Shuts every connection down gracefully, in two steps as RFC 9113 (6.8) suggests: a GOAWAY whose last
     * stream id is the largest possible stops the client opening streams, and after a round trip a second one
     * names the last stream opened; each connection closes once its streams in flight have finished. (A single
     * GOAWAY would refuse the streams already on their way, and Netty's server then fails the connection on
     * their DATA frames.)
     */
    void goAway() {
        for (Channel ch : connections) {
            Connection conn = ch.attr(CONNECTION).get();
            ch.eventLoop().execute(() -> {
                conn.goingAway = true;
                ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
                ch.eventLoop()
                        .schedule(
                                () -> ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))
                                        .addListener(f -> conn.streamEnded()),
                                100,
                                TimeUnit.MILLISECONDS);
            });
        }
    }

    /** Streams open on one connection; closes it once a GOAWAY was sent and the last of them ended. */
    private static final class Connection {
        final Channel channel;
        final AtomicInteger streams = new AtomicInteger();
        boolean goingAway; // on the connection's loop

        Connection(Channel channel) {
            this.channel = channel;
        }

        void streamEnded() {
            channel.eventLoop().execute(() -> {
                if (goingAway && streams.get() == 0) {
                    channel.close();
                }
            });
        }
    }

    private final class ResetCounter extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame) { // the multiplex handler's way of passing RST_STREAM on
                resets.incrementAndGet();
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
