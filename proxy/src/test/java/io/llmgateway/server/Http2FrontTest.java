package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.testing.RawH2;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handlers Http2Front puts on a client's h2 connection, on a bare server with them (the streams'
 * channels are the test's): the answers of several streams written in one event-loop turn outside a read of the
 * connection go to the socket in one flush, and the headers whose values differ from answer to answer stay out of
 * the HPACK dynamic table (seen in the bytes the connection writes).
 */
class Http2FrontTest {
    private static final int STREAMS = 3;

    private final BlockingQueue<Channel> streams = new LinkedBlockingQueue<>();
    private final Socket socket = new Socket();
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerSettings settings = settings();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(socket);
                        Http2Front.addConnectionHandlers(ch.pipeline(), settings, new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel stream) {
                                stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ReferenceCountUtil.release(msg);
                                        streams.add(ctx.channel());
                                    }
                                });
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void answersOfSeveralStreamsInOneTurn_goToTheSocketInOneFlush() throws Exception {
        try (RawH2 client = RawH2.connect(((InetSocketAddress) server.localAddress()).getPort())
                .preface()) {
            List<Channel> open = openStreams(client);
            int flushesInTheTurn = open.get(0)
                    .eventLoop()
                    .submit(() -> {
                        int before = socket.flushes;
                        for (int i = 0; i < STREAMS; i++) {
                            open.get(i).writeAndFlush(answer(i));
                        }
                        return socket.flushes - before;
                    })
                    .get(5, TimeUnit.SECONDS);
            for (int i = 0; i < STREAMS; i++) {
                int id = 1 + 2 * i;
                assertNotNull(client.await(f -> f.streamId() == id && f.headers() != null, 5_000), "answer " + i);
            }
            assertEquals(0, flushesInTheTurn, "the streams' flushes wait for the end of the event loop's turn");
            // Other frames (a SETTINGS ack, a WINDOW_UPDATE) may go out in flushes of their own; the answers share one.
            List<Integer> flushOfEachAnswer = new ArrayList<>();
            for (int start : headersFrameStarts(socket.written())) {
                flushOfEachAnswer.add(socket.flushHolding(start));
            }
            assertEquals(STREAMS, flushOfEachAnswer.size(), "answers written");
            assertEquals(
                    1,
                    Set.copyOf(flushOfEachAnswer).size(),
                    "the three answers go out in one flush: " + flushOfEachAnswer);
        }
    }

    @Test
    void headersThatDifferPerAnswer_areNeverIndexed_repeatedOnesAre() throws Exception {
        try (RawH2 client = RawH2.connect(((InetSocketAddress) server.localAddress()).getPort())
                .preface()) {
            List<Channel> open = openStreams(client);
            for (int i = 0; i < STREAMS; i++) {
                open.get(i).writeAndFlush(answer(i)).sync();
            }
            List<byte[]> blocks = headerBlocks(socket.written());
            assertEquals(STREAMS, blocks.size());
            // A literal never indexed, with a new name (RFC 7541 6.2.3), in every answer: 0x10, the name's length.
            byte[] neverIndexedId = concat(new byte[] {0x10, 12}, "x-request-id".getBytes(StandardCharsets.US_ASCII));
            byte[] model = "x-gateway-model".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < STREAMS; i++) {
                assertTrue(indexOf(blocks.get(i), neverIndexedId) >= 0, "answer " + i + ": x-request-id never indexed");
                assertEquals(
                        i == 0,
                        indexOf(blocks.get(i), model) >= 0,
                        "answer " + i + ": the model's header is a literal the first time, an index after that");
            }
        }
        assertTrue(Http2Front.notIndexed(ServerTiming.NAME, "gw-pre;dur=0.1"));
        assertTrue(Http2Front.notIndexed(new StringBuilder("x-ratelimit-remaining-tokens"), "9"));
        assertFalse(Http2Front.notIndexed("content-type", "application/json"));
    }

    /** Opens the streams (a GET each, ending the stream) and waits for their channels; forgets the bytes so far. */
    private List<Channel> openStreams(RawH2 client) throws Exception {
        for (int i = 0; i < STREAMS; i++) {
            client.headers(
                    1 + 2 * i,
                    new DefaultHttp2Headers()
                            .method("GET")
                            .scheme("http")
                            .authority("t")
                            .path("/" + i),
                    true);
        }
        List<Channel> open = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            Channel ch = streams.poll(5, TimeUnit.SECONDS);
            assertNotNull(ch, "stream " + i);
            open.add(ch);
        }
        open.get(0).eventLoop().submit(socket::forget).get(5, TimeUnit.SECONDS);
        return open;
    }

    private static DefaultHttp2HeadersFrame answer(int i) {
        return new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .status("200")
                        .add("content-type", "application/json")
                        .add("x-gateway-model", "gpt-4o")
                        .add(RequestIds.HEADER, "req-" + i)
                        .add(ServerTiming.NAME, "gw-pre;dur=0." + i),
                true);
    }

    /** Where each HEADERS frame starts in {@code bytes}. */
    private static List<Integer> headersFrameStarts(byte[] bytes) {
        List<Integer> starts = new ArrayList<>();
        int at = 0;
        while (at + 9 <= bytes.length) {
            int length = ((bytes[at] & 0xff) << 16) | ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff);
            if (bytes[at + 3] == 0x1) {
                starts.add(at);
            }
            at += 9 + length;
        }
        return starts;
    }

    /** The header blocks of the HEADERS frames in {@code bytes}. */
    private static List<byte[]> headerBlocks(byte[] bytes) {
        ByteBuf frames = Unpooled.wrappedBuffer(bytes);
        List<byte[]> blocks = new ArrayList<>();
        while (frames.readableBytes() >= 9) {
            int length = frames.readUnsignedMedium();
            int type = frames.readByte();
            frames.skipBytes(5); // flags, stream id
            byte[] payload = new byte[length];
            frames.readBytes(payload);
            if (type == 0x1) {
                blocks.add(payload);
            }
        }
        return blocks;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static ServerSettings settings() throws Exception {
        return ConfigLoader.parse("""
                api_provider:
                  p:
                    base_url: http://127.0.0.1:9/v1
                model_config:
                  gpt-4o:
                    p: {}
                """, Map.of()).server();
    }

    /**
     * First in the connection's pipeline: counts the flushes that reach the socket with bytes to write (a flush with
     * nothing written since the last one writes nothing) and keeps a copy of the bytes.
     */
    private static final class Socket extends ChannelOutboundHandlerAdapter {
        volatile int flushes;
        private boolean unflushed;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        /** How many bytes had been written at each flush that wrote some, since {@link #forget}. */
        private final List<Integer> flushedUpTo = new ArrayList<>();

        @Override
        public boolean isSharable() {
            return true; // one connection per test
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b) {
                unflushed |= b.isReadable();
                synchronized (bytes) {
                    bytes.writeBytes(ByteBufUtil.getBytes(b));
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (unflushed) {
                unflushed = false;
                flushes++;
                synchronized (bytes) {
                    flushedUpTo.add(bytes.size());
                }
            }
            ctx.flush();
        }

        /** Called on the connection's event loop once the streams are open. */
        void forget() {
            synchronized (bytes) {
                bytes.reset();
                flushedUpTo.clear();
            }
        }

        /** The number of the flush (since {@link #forget}) that wrote the byte at {@code offset}; -1 if none yet. */
        int flushHolding(int offset) {
            synchronized (bytes) {
                for (int i = 0; i < flushedUpTo.size(); i++) {
                    if (offset < flushedUpTo.get(i)) {
                        return i;
                    }
                }
                return -1;
            }
        }

        byte[] written() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }
    }
}
