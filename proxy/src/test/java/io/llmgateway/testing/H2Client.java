package io.llmgateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;

/**
 * A Netty HTTP/2 client for tests that need what a client library hides: several streams on one connection, a
 * stream that reads nothing (and so grants no flow-control window), a RST_STREAM. Each stream's frames arrive in
 * a queue as {@link Frame}s, their bytes copied (nothing to release).
 */
public final class H2Client implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group;
    private final Channel channel;
    private final CountDownLatch goAway;

    private H2Client(MultiThreadIoEventLoopGroup group, Channel channel, CountDownLatch goAway) {
        this.group = group;
        this.channel = channel;
        this.goAway = goAway;
    }

    /** h2c with prior knowledge to 127.0.0.1:{@code port}, with Netty's default settings. */
    public static H2Client connect(int port) throws InterruptedException {
        return connect(port, null, Http2Settings.defaultSettings());
    }

    /** h2 over TLS (ALPN offering h2 only) to localhost:{@code port}, trusting {@code trust}. */
    public static H2Client connectTls(int port, X509TrustManager trust) throws Exception {
        SslContext ssl = SslContextBuilder.forClient()
                .trustManager(trust)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        return connect(port, ssl, Http2Settings.defaultSettings());
    }

    /**
     * @param ssl TLS to use (the host name checked is localhost), or null for h2c
     * @param settings the client's SETTINGS (e.g. a small initial window)
     */
    public static H2Client connect(int port, SslContext ssl, Http2Settings settings) throws InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch goAway = new CountDownLatch(1);
        try {
            Channel ch = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", port));
                            }
                            ch.pipeline()
                                    .addLast(Http2FrameCodecBuilder.forClient()
                                            .initialSettings(settings)
                                            .build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof Http2GoAwayFrame) {
                                        goAway.countDown();
                                    }
                                    ReferenceCountUtil.release(msg);
                                }
                            });
                        }
                    })
                    .connect("127.0.0.1", port)
                    .sync()
                    .channel();
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls != null) {
                tls.handshakeFuture().sync();
            }
            return new H2Client(group, ch, goAway);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The protocol ALPN chose, or null on h2c. */
    public String applicationProtocol() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? null : tls.applicationProtocol();
    }

    /** Whether the server sent GOAWAY within {@code timeout}. */
    public boolean awaitGoAway(Duration timeout) throws InterruptedException {
        return goAway.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The connection's channel. */
    public Channel channel() {
        return channel;
    }

    /** Opens a stream; with {@code autoRead} false it reads (and so grants window) only on {@link Stream#read}. */
    public Stream open(boolean autoRead) throws InterruptedException {
        Stream s = new Stream();
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, autoRead)
                .handler(s.collector)
                .open()
                .sync()
                .getNow();
        s.channel = ch;
        return s;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** What a stream received: a head (status set), body bytes, a reset (its code), or the stream's end. */
    public record Frame(String status, Http2Headers headers, String data, long resetCode, boolean endStream) {
        public boolean isReset() {
            return resetCode >= 0;
        }
    }

    /** One stream of the connection. */
    public static final class Stream {
        private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final ChannelInboundHandlerAdapter collector = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame h) {
                        CharSequence status = h.headers().status();
                        frames.add(new Frame(
                                status == null ? null : status.toString(), h.headers(), null, -1, h.isEndStream()));
                    } else if (msg instanceof Http2DataFrame d) {
                        frames.add(new Frame(
                                null, null, d.content().toString(StandardCharsets.UTF_8), -1, d.isEndStream()));
                    } else if (msg instanceof Http2ResetFrame r) {
                        frames.add(new Frame(null, null, null, r.errorCode(), true));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        };
        private Http2StreamChannel channel;

        private Stream() {}

        public Http2StreamChannel channel() {
            return channel;
        }

        /** Sends a request: its head, then {@code body} (if not null) in one DATA frame ending the stream. */
        public void request(String method, String path, String body, String... headers) {
            Http2Headers h = new DefaultHttp2Headers()
                    .method(method)
                    .path(path)
                    .scheme("http")
                    .authority("localhost");
            if (body != null) {
                h.set("content-type", "application/json");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.add(headers[i], headers[i + 1]);
            }
            channel.write(new DefaultHttp2HeadersFrame(h, body == null));
            if (body != null) {
                ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
                channel.write(new DefaultHttp2DataFrame(bytes, true));
            }
            channel.flush();
        }

        /** Sends only a request's head, announcing a body that never comes (a stalled upload). */
        public void headOnly(String method, String path) {
            Http2Headers h = new DefaultHttp2Headers()
                    .method(method)
                    .path(path)
                    .scheme("http")
                    .authority("localhost")
                    .set("content-type", "application/json");
            channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        }

        /** Resets the stream (RST_STREAM CANCEL), as a client does that gives up on a request. */
        public void reset() {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        }

        /** Turns reading on: what is buffered is taken, and window goes back to the server as it is. */
        public void readAll() {
            channel.eventLoop().execute(() -> {
                channel.config().setAutoRead(true);
                channel.read();
            });
        }

        /** The next frame, or null after {@code timeout}. */
        public Frame next(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The response head; fails unless it comes within {@code timeout}. */
        public Frame head(Duration timeout) throws InterruptedException {
            Frame f = next(timeout);
            if (f == null || f.status() == null) {
                throw new AssertionError("expected a response head, got " + f);
            }
            return f;
        }

        /** Reads until the stream ends and counts the body's bytes, keeping none; fails on a reset or a timeout. */
        public long drain(Duration timeout) throws InterruptedException {
            long bytes = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Frame f = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (f == null || f.isReset()) {
                    throw new AssertionError("the stream did not end well after " + bytes + " bytes: " + f);
                }
                if (f.data() != null) {
                    bytes += f.data().length();
                }
                if (f.endStream()) {
                    return bytes;
                }
            }
        }

        /** The body until the stream ends (or is reset, which fails), read within {@code timeout}. */
        public String body(Duration timeout) throws InterruptedException {
            StringBuilder body = new StringBuilder();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Frame f = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (f == null) {
                    throw new AssertionError("the stream did not end; body so far: " + body);
                }
                if (f.isReset()) {
                    throw new AssertionError("the stream was reset (" + f.resetCode() + "); body so far: " + body);
                }
                if (f.data() != null) {
                    body.append(f.data());
                }
                if (f.endStream()) {
                    return body.toString();
                }
            }
        }
    }
}
