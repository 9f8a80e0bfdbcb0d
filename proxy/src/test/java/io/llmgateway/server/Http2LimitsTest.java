package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.RawH2;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits {@link Http2Limits} puts on Netty's codec, against a bare server with that codec (a stream that asks
 * for {@code /ok} gets a 200, every other stream stays open), so each limit is seen on its own; the gateway's
 * pipeline has them too (Http2AbuseEndToEndTest, which also floods SETTINGS and PINGs: that takes the megabytes
 * of unread ACKs the sockets' buffers hold before the limit on queued control frames is reached).
 */
class Http2LimitsTest {
    private static final int MAX_STREAMS = 4;
    private static final int MAX_HEADER_LIST = 1024;

    private static EventLoopGroup group;
    private static Channel server;
    private static final AtomicInteger streamsSeen = new AtomicInteger();

    @BeforeAll
    static void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(Http2Limits.apply(
                                                Http2FrameCodecBuilder.forServer(), MAX_STREAMS, MAX_HEADER_LIST)
                                        .build())
                                .addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new OkOrHold());
                                    }
                                }));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    @AfterAll
    static void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** Answers a {@code /ok} request with 200 and holds every other stream open. */
    private static final class OkOrHold extends SimpleChannelInboundHandler<Http2StreamFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame headers) {
                streamsSeen.incrementAndGet();
                if ("/ok".contentEquals(headers.headers().path())) {
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
                }
            }
        }
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers()
                .method("GET")
                .scheme("http")
                .authority("t")
                .path(path);
    }

    @Test
    void streamBeyondTheConcurrencyLimit_isRefusedAndTheConnectionGoesOn() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            int before = streamsSeen.get();
            for (int i = 0; i < MAX_STREAMS; i++) {
                c.headers(1 + 2 * i, get("/hold"), true);
            }
            int refused = 1 + 2 * MAX_STREAMS;
            c.headers(refused, get("/hold"), true);

            RawH2.Frame reset = c.await(f -> f.isReset(refused), 5_000);
            assertNotNull(reset, c.received().toString());
            assertEquals(Http2Error.REFUSED_STREAM.code(), reset.code());
            assertEquals(MAX_STREAMS, streamsSeen.get() - before, "the refused stream reaches no handler");

            c.rst(1, Http2Error.CANCEL);
            int next = refused + 2;
            c.headers(next, get("/ok"), true);
            assertNotNull(
                    c.await(f -> f.type().equals("HEADERS") && f.streamId() == next, 5_000),
                    c.received().toString());
        }
    }

    @Test
    void headerListOverTheLimit_gets431OnItsStream() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            c.headers(1, get("/ok").set("x-big", "a".repeat(MAX_HEADER_LIST)), true);

            RawH2.Frame answer = c.await(f -> f.streamId() == 1 && !f.type().equals("SETTINGS"), 5_000);
            assertNotNull(answer, c.received().toString());
            assertEquals("431", answer.headers().status().toString());

            c.headers(3, get("/ok"), true);
            assertNotNull(
                    c.await(f -> f.type().equals("HEADERS") && f.streamId() == 3, 5_000), "the connection goes on");
        }
    }

    @Test
    void continuationFloodOfSmallFrames_getsGoAwayEnhanceYourCalm() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            c.headersWithoutEnd(1, get("/ok"));
            for (int i = 0; i < 100 && !c.peerGone(); i++) {
                c.continuation(1, 1, false);
            }
            assertGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void continuationFloodOfLargeFrames_getsGoAwayOnceTheBlockPassesTheBound() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            c.headersWithoutEnd(1, get("/ok"));
            for (int i = 0; i < 100 && !c.peerGone(); i++) {
                c.continuation(1, 1000, false);
            }
            assertGoAway(c, Http2Error.PROTOCOL_ERROR);
        }
    }

    @Test
    void rapidReset_getsGoAwayEnhanceYourCalm() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            for (int i = 0; i < 2 * Http2Limits.MAX_RESETS_PER_WINDOW && !c.peerGone(); i++) {
                int id = 1 + 2 * i;
                c.headers(id, get("/hold"), false).rst(id, Http2Error.CANCEL);
            }
            assertGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void emptyDataFlood_getsGoAwayEnhanceYourCalm() throws Exception {
        try (RawH2 c = RawH2.connect(port()).preface()) {
            c.headers(1, get("/hold"), false);
            for (int i = 0; i < 10; i++) {
                c.data(1, "", false);
            }
            assertGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
    }

    private static void assertGoAway(RawH2 c, Http2Error expected) throws Exception {
        RawH2.Frame goAway = c.awaitGoAway(5_000);
        assertNotNull(goAway, c.received().toString());
        assertEquals(expected.code(), goAway.code(), goAway.toString());
        assertTrue(c.awaitClose(5_000), "closed after the GOAWAY");
    }
}
