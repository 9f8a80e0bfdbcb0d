package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** Builds the pipeline of one client connection. */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    /** The response encoder's name: a response written as bytes (ClientResponseHead) is written past it. */
    static final String ENCODER = "encoder";

    private final Gateway gateway;

    GatewayInitializer(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        gateway.trackConnection(ch);
        ServerSettings settings = gateway.config().server();
        StrictRequestDecoder decoder = new StrictRequestDecoder(settings);
        ConnectionTimer timer = new ConnectionTimer(settings, () -> gateway.clientDialect(decoder.receivingUri()));
        RequestGuard guard = new RequestGuard(settings, gateway, decoder);
        ChannelPipeline p = ch.pipeline();
        p.addLast("timer", timer);
        p.addLast("decoder", decoder);
        p.addLast(ENCODER, new HttpResponseEncoder());
        p.addLast("guard", guard);
        p.addLast("body", new BodyLimitAggregator(settings.maxBodyBytes(), gateway));
        p.addLast("front", new FrontHandler(gateway, timer, guard));
    }
}
