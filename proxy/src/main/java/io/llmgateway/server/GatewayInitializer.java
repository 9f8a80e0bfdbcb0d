package io.llmgateway.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/** Builds the pipeline of one client connection. */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    private final Gateway gateway;

    GatewayInitializer(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("http", new HttpServerCodec(8192, 16 * 1024, 64 * 1024));
        p.addLast("body", new BodyLimitAggregator(gateway.config().server().maxBodyBytes()));
        p.addLast("front", new FrontHandler(gateway));
    }
}
