package io.llmgateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.llmgateway.transport.Transport;
import java.util.concurrent.TimeUnit;

/**
 * A fast OpenAI-shaped upstream for the benchmarks: answers every POST with a canned chat completion, or
 * with a canned stream when the body asks for {@code "stream":true}. Streams are sent whole (one write,
 * like a static file), or paced: the headers at once, then one event every {@code intervalMillis}, which
 * is what a real model does and what the added-latency probe measures against.
 *
 * <p>Standalone for bench/load.sh: {@code java -cp benchmarks.jar io.llmgateway.bench.MockServer
 * --port 18081 --interval-ms 20 --chunks 20}.
 */
public final class MockServer extends LoopbackServer {
    private static final byte[] STREAM_MARK = "\"stream\":true".getBytes(UTF_8);

    private MockServer(EventLoopGroup group, Channel listener) {
        super(group, listener);
    }

    /**
     * @param port 0 for any free port
     * @param intervalMillis 0 to send a stream in one write; else the pause between its events
     * @param pacedChunks the content events of a paced stream
     */
    public static MockServer start(int port, int threads, long intervalMillis, int pacedChunks) throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(threads);
        byte[] json = Payloads.utf8(Payloads.CHAT_COMPLETION);
        byte[] sse = Payloads.utf8(Payloads.SSE_STREAM);
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                new Handler(json, sse, intervalMillis, pacedChunks));
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        return new MockServer(group, ch);
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final byte[] json;
        private final byte[] sse;
        private final long intervalMillis;
        private final int pacedChunks;

        Handler(byte[] json, byte[] sse, long intervalMillis, int pacedChunks) {
            this.json = json;
            this.sse = sse;
            this.intervalMillis = intervalMillis;
            this.pacedChunks = pacedChunks;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean stream = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(STREAM_MARK), req.content()) >= 0;
            if (stream && intervalMillis > 0) {
                paced(ctx, keepAlive);
                return;
            }
            byte[] body = stream ? sse : json;
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            res.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, stream ? "text/event-stream" : "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            HttpUtil.setKeepAlive(res, keepAlive);
            ctx.writeAndFlush(res).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                    : ChannelFutureListener.CLOSE);
        }

        private void paced(ChannelHandlerContext ctx, boolean keepAlive) {
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            HttpUtil.setTransferEncodingChunked(res, true);
            HttpUtil.setKeepAlive(res, keepAlive);
            ctx.writeAndFlush(res);
            sendEvent(ctx, 0, keepAlive);
        }

        /** Event i of the paced stream: content deltas, then usage and [DONE] together. */
        private void sendEvent(ChannelHandlerContext ctx, int i, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (i < pacedChunks) {
                String word = Payloads.WORDS[i % Payloads.WORDS.length];
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(Payloads.chunk(word), UTF_8)));
                ctx.executor().schedule(() -> sendEvent(ctx, i + 1, keepAlive), intervalMillis, TimeUnit.MILLISECONDS);
                return;
            }
            ByteBuf end = Unpooled.copiedBuffer(Payloads.USAGE_CHUNK + Payloads.DONE, UTF_8);
            ctx.write(new DefaultHttpContent(end));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                    .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        }
    }

    /** {@code --port N --threads N --interval-ms N --chunks N}; runs until killed. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        MockServer server = start(a.intValue("--port", 18081), a.intValue("--threads", 1),
                a.intValue("--interval-ms", 0), a.intValue("--chunks", 20));
        System.out.println("mock listening on 127.0.0.1:" + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
