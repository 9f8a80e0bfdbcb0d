package io.llmgateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

/**
 * The pipelines of HTTP/2 provider connections and of their streams. Over TLS, h2 is chosen by ALPN (the
 * provider may choose HTTP/1.1, see {@link H2Pool}); over plain TCP it is h2c with prior knowledge. A stream's
 * pipeline turns frames into the HttpObjects an exchange reads from an HTTP/1.1 connection.
 */
final class H2Pipeline {
    /**
     * Per stream: the provider's answer is read as it is relayed, so the window bounds what one stream may have
     * in flight before the gateway reads it; flow control then holds a slow client's stream back.
     */
    private static final int STREAM_WINDOW = 1 << 20;

    private final Origin origin;
    private final SslContext tls; // null for h2c
    private final ChannelGroup channels;
    private final ChannelHandler streamInit = new ChannelInitializer<Http2StreamChannel>() {
        @Override
        protected void initChannel(Http2StreamChannel ch) {
            H2StreamHandler stream = new H2StreamHandler();
            ch.pipeline()
                    .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                    .addLast(stream)
                    .addLast(new UpstreamHandler(ch, stream));
        }
    };

    H2Pipeline(Origin origin, SslContext tls, ChannelGroup channels) {
        this.origin = origin;
        this.tls = tls;
        this.channels = channels;
    }

    /** Builds the pipeline of {@code conn}'s channel. */
    ChannelHandler initializer(H2Connection conn) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                if (tls == null) {
                    addHttp2(ch.pipeline(), conn);
                } else {
                    ch.pipeline()
                            .addLast(tls.newHandler(ch.alloc(), origin.host(), origin.port()))
                            .addLast(new Alpn(conn));
                }
            }
        };
    }

    /** The initializer of each stream channel. */
    ChannelHandler streamInitializer() {
        return streamInit;
    }

    private static void addHttp2(ChannelPipeline p, H2Connection conn) {
        Http2Settings settings =
                Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(STREAM_WINDOW);
        p.addLast(Http2FrameCodecBuilder.forClient()
                .initialSettings(settings)
                // A stream started while the provider's limit is reached waits in the codec, never refused.
                .encoderEnforceMaxConcurrentStreams(true)
                .build());
        p.addLast(new Http2MultiplexHandler(RefusePush.INSTANCE));
        p.addLast(conn);
    }

    /** Adds the h2 handlers when ALPN chose h2; otherwise tells the pool and closes. */
    private static final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final H2Connection conn;

        Alpn(H2Connection conn) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.conn = conn;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                addHttp2(ctx.pipeline(), conn);
            } else {
                conn.refusedHttp2();
                ctx.close();
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            conn.failure = cause;
            ctx.close();
        }
    }

    /** Push is disabled in the gateway's SETTINGS; a stream the provider opens anyway is closed. */
    @ChannelHandler.Sharable
    private static final class RefusePush extends ChannelInboundHandlerAdapter {
        static final RefusePush INSTANCE = new RefusePush();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }
}
