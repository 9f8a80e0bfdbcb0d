package io.llmgateway.bench.load;

import io.llmgateway.bench.Args;
import io.llmgateway.bench.LoopbackServer;
import io.llmgateway.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The platform floor for bench/load.sh: an HTTP reverse proxy on the gateway's own stack (its transport, its
 * event-loop count and buffer allocator, Netty's HTTP/1.1 codecs on both sides) that does nothing else. Each
 * client connection gets one upstream connection on the same event loop, and every decoded request and
 * response part is forwarded as it is, flushed once per read burst.
 *
 * <p>Measured beside nginx and the gateway, it splits the gap between them: nginx to this proxy is what the
 * JVM and Netty cost, this proxy to the gateway is what the gateway's own work costs (parse, estimate,
 * admit, splice, tap, log, count).
 *
 * <p>{@code java -cp benchmarks.jar io.llmgateway.bench.load.NettyReferenceProxy --port 18085 --upstream-port 18081};
 * runs until killed.
 */
public final class NettyReferenceProxy extends LoopbackServer {
    private NettyReferenceProxy(EventLoopGroup group, Channel listener) {
        super(group, listener);
    }

    static NettyReferenceProxy start(int port, int upstreamPort) throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(0);
        InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", upstreamPort);
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOCATOR, Transport.allocator())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // until the upstream connection is up
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new ClientSide(upstream));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        return new NettyReferenceProxy(group, ch);
    }

    /** Opens the client's upstream connection, then relays like any side. */
    private static final class ClientSide extends Relay {
        private final InetSocketAddress upstream;

        ClientSide(InetSocketAddress upstream) {
            super(null);
            this.upstream = upstream;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(Transport.clientChannel(client.eventLoop()))
                    .option(ChannelOption.ALLOCATOR, Transport.allocator())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Relay(client));
                        }
                    })
                    .connect(upstream)
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            client.close();
                            return;
                        }
                        peer = f.channel();
                        client.config().setAutoRead(true);
                    });
        }
    }

    /** Forwards one side's decoded parts to the other side, with back-pressure, closing both together. */
    private static class Relay extends ChannelInboundHandlerAdapter {
        protected Channel peer; // set once, on this channel's event loop

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (peer == null || !peer.isActive()) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            peer.write(msg, peer.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (peer != null) {
                peer.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (peer != null) {
                peer.config().setAutoRead(ctx.channel().isWritable()); // this side drains slower than the peer fills
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer != null) {
                peer.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@code --port N --upstream-port N}; runs until killed. */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        NettyReferenceProxy proxy = start(a.intValue("--port", 18085), a.intValue("--upstream-port", 18081));
        System.out.println("reference proxy listening on 127.0.0.1:" + proxy.port());
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
        Thread.currentThread().join();
    }
}
