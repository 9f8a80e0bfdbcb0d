package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.AsciiString;
import java.util.Set;

/*
 * Design notes
 * - Every stream is one exchange. The multiplexer gives each stream a child channel, and each child gets the
 *   per-request handlers an HTTP/1.1 connection has (guard, body limit, front) behind a codec that turns the
 *   stream's frames into HttpObjects and back. Routing, limits, failover, streaming, logs and metrics so never
 *   ask which protocol a request came in. A provider's answer goes out as frames written past the codec
 *   (Http2AnswerWriter, as AnswerWriter writes bytes past the HTTP/1.1 encoder); the gateway's own answers take
 *   the codec, which leaves out the headers HTTP/2 forbids (connection, keep-alive, transfer-encoding).
 * - Streams answer when their provider's answer arrives, each with a flush of its own, mostly outside a read of
 *   the client's connection (the multiplexer gathers only the flushes made while it reads). A
 *   FlushConsolidationHandler in front of the codec turns the flushes of one event-loop turn into one write to
 *   the socket, as the HTTP/1.1 path's one flush per answer does for its one stream.
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
    /** The name of the handler that gathers the streams' flushes, in front of the connection's codec. */
    static final String FLUSHES = "flushes";

    /**
     * Flushes gathered at most before one goes to the socket anyway (Netty's default): a turn with more answers
     * than that still writes while it runs.
     */
    static final int FLUSHES_BEFORE_WRITE = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    private static final Set<AsciiString> UNIQUE_VALUES = Set.of(
            RequestIds.HEADER,
            AsciiString.cached(ServerTiming.NAME),
            HttpHeaderNames.DATE,
            AsciiString.cached("x-ratelimit-remaining-requests"),
            AsciiString.cached("x-ratelimit-remaining-tokens"),
            AsciiString.cached("x-ratelimit-reset-requests"),
            AsciiString.cached("x-ratelimit-reset-tokens"),
            AsciiString.cached(BudgetHeader.NAME));

    /** The name of a stream's codec, past which Http2AnswerWriter writes frames. */
    static final String STREAM_CODEC = "codec";

    /** Sharable and stateless: one for every stream. */
    private static final Http2StreamFrameToHttpObjectCodec CODEC = new Http2StreamFrameToHttpObjectCodec(true, true);

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
        addConnectionHandlers(p, gateway.config().server(), new Streams(gateway));
    }

    /** Adds an HTTP/2 connection's handlers at the end of {@code p}; {@code streams} sets up each stream's channel. */
    static void addConnectionHandlers(ChannelPipeline p, ServerSettings settings, ChannelHandler streams) {
        Http2FrameCodec codec = frameCodec(settings);
        // In front of the codec: it sees the bytes of a preface, frame or header block that never completes.
        p.addLast("h2timer", new Http2ConnectionTimer(settings, codec.connection()));
        p.addLast(FLUSHES, new FlushConsolidationHandler(FLUSHES_BEFORE_WRITE, true));
        p.addLast("h2", codec);
        p.addLast("streams", new Http2MultiplexHandler(streams));
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
                .headerSensitivityDetector(Http2Front::notIndexed)
                .build();
    }

    /**
     * Whether the response header {@code name} stays out of the HPACK dynamic table: a value that differs from
     * answer to answer (an id, a time, a count left) would never be sent as an index, costs the encoder a table
     * search and an insertion, and evicts the repeated headers (content type, model, limits) that later answers
     * send as one index byte. HPACK has no "do not index" for the encoder's own choice but "never indexed".
     */
    static boolean notIndexed(CharSequence name, CharSequence value) {
        return name instanceof AsciiString a ? UNIQUE_VALUES.contains(a) : UNIQUE_VALUES.contains(AsciiString.of(name));
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
            p.addLast(STREAM_CODEC, CODEC);
            p.addLast("heads", StreamRequestHeads.INSTANCE);
            p.addLast(GatewayInitializer.TIMER, timer);
            p.addLast(GatewayInitializer.GUARD, guard);
            p.addLast(GatewayInitializer.BODY, new BodyLimitAggregator(settings.maxBodyBytes(), gateway));
            p.addLast(GatewayInitializer.FRONT, new FrontHandler(gateway, timer, guard));
        }
    }
}
