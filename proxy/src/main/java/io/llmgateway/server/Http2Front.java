package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/*
 * Design notes
 * - Every stream is one exchange. The multiplexer gives each stream a child channel, and each child gets the
 *   per-request handlers an HTTP/1.1 connection has (guard, body limit, front) behind a codec that turns the
 *   stream's frames into HttpObjects and back. Routing, limits, failover, streaming, logs and metrics so never
 *   ask which protocol a request came in; answers take Netty's objects path (AnswerWriter finds no HTTP/1.1
 *   encoder here), and the codec leaves out the headers HTTP/2 forbids (connection, keep-alive,
 *   transfer-encoding).
 * - A child channel is writable while its stream's flow-control window has room: the exchange's backpressure
 *   (stop reading the provider while the client is not writable) works per stream. A child that stops reading
 *   (autoRead off) gives the client no window back, so an unread request body stops too.
 * - A RST_STREAM from the client closes the child channel, which the exchange sees as its client going away,
 *   the same as a closed HTTP/1.1 connection: the provider's request is cancelled and recorded so.
 * - Draining for shutdown sends GOAWAY (goAway), where an HTTP/1.1 answer says "connection: close".
 * - The connection's HTTP/1.1 timer does not apply to an h2 connection; each stream has a timer of its own
 *   that gives it server.request_timeout to send its request (a 408 on that stream). The connection has
 *   Http2ConnectionTimer instead (idle time, request heads that never complete), and the limits of the protocol
 *   itself (streams, header list, floods, resets) are set in frameCodec (Http2Limits), the one place the codec
 *   is built. Http2ConnectionLog, last, reports a connection closed for abuse.
 */
/** Turns a client connection into an HTTP/2 one and gives each of its streams the per-request handlers. */
final class Http2Front {
    /** Sharable and stateless: one for every stream. */
    private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC =
            new Http2StreamFrameToHttpObjectCodec(true, true);

    private Http2Front() {}

    /**
     * Removes the connection-level HTTP/1.1 handlers from {@code p} and adds the HTTP/2 codec and multiplexer
     * at its end; called before any HTTP/2 byte has passed the handler that calls it.
     */
    static void replaceHttp1(ChannelPipeline p, Gateway gateway) {
        for (String name : GatewayInitializer.HTTP_1_1) {
            if (p.context(name) != null) {
                p.remove(name);
            }
        }
        ServerSettings settings = gateway.config().server();
        Http2FrameCodec codec = frameCodec(settings);
        // In front of the codec: it sees the bytes of a preface, frame or header block that never completes.
        p.addLast("h2timer", new Http2ConnectionTimer(settings, codec.connection()));
        p.addLast("h2", codec);
        p.addLast("streams", new Http2MultiplexHandler(new Streams(gateway)));
        p.addLast("h2log", new Http2ConnectionLog(codec.connection()));
    }

    /**
     * Tells every HTTP/2 client among {@code connections} that the gateway is going away (GOAWAY, NO_ERROR): the
     * streams under way finish, new ones go to another connection, and Netty closes the connection once its last
     * stream is done. The HTTP/2 form of the {@code connection: close} a draining HTTP/1.1 answer carries.
     */
    static void goAway(Iterable<Channel> connections) {
        for (Channel ch : connections) {
            if (ch.pipeline().get(Http2FrameCodec.class) != null) {
                ch.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
        }
    }

    /** The connection's HTTP/2 codec, with the settings the gateway announces and the limits it enforces. */
    static Http2FrameCodec frameCodec(ServerSettings settings) {
        return Http2Limits.apply(
                        Http2FrameCodecBuilder.forServer(),
                        settings.http2MaxConcurrentStreams(),
                        settings.maxHeaderBytes())
                .build();
    }

    /** The handlers of one stream: one request and its answer. */
    private static final class Streams extends ChannelInitializer<Http2StreamChannel> {
        private final Gateway gateway;

        Streams(Gateway gateway) {
            this.gateway = gateway;
        }

        @Override
        protected void initChannel(Http2StreamChannel ch) {
            ServerSettings settings = gateway.config().server();
            RequestGuard guard = new RequestGuard(settings, gateway, null);
            ConnectionTimer timer = new ConnectionTimer(settings, () -> gateway.clientDialect(guard.path()));
            ChannelPipeline p = ch.pipeline();
            p.addLast("codec", STREAM_CODEC);
            p.addLast("heads", StreamRequestHeads.INSTANCE);
            p.addLast(GatewayInitializer.TIMER, timer);
            p.addLast(GatewayInitializer.GUARD, guard);
            p.addLast(GatewayInitializer.BODY, new BodyLimitAggregator(settings.maxBodyBytes(), gateway));
            p.addLast(GatewayInitializer.FRONT, new FrontHandler(gateway, timer, guard));
        }
    }
}
