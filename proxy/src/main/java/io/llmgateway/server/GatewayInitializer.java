package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.llmgateway.tls.ServerCertificates;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Builds the pipeline of one client connection: the same for both listeners, behind a TLS handler on the
 * TLS one (ALPN offers http/1.1 only; HTTP/2 would choose its codec here, after the handshake).
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    /** The response encoder's name: a response written as bytes (ClientResponseHead) is written past it. */
    static final String ENCODER = "encoder";

    /** The TLS handler's name. */
    static final String TLS = "tls";

    private final Gateway gateway;
    private final ServerCertificates certificates; // null on the plain listener

    GatewayInitializer(Gateway gateway, ServerCertificates certificates) {
        this.gateway = gateway;
        this.certificates = certificates;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        gateway.trackConnection(ch);
        ServerSettings settings = gateway.config().server();
        StrictRequestDecoder decoder = new StrictRequestDecoder(settings);
        ConnectionTimer timer = new ConnectionTimer(settings, () -> gateway.clientDialect(decoder.receivingUri()));
        RequestGuard guard = new RequestGuard(settings, gateway, decoder);
        ChannelPipeline p = ch.pipeline();
        if (certificates != null) {
            // The context current now: a certificate reloaded later serves the next connections.
            p.addLast(TLS, certificates.current().newHandler(ch.alloc()));
        }
        p.addLast("timer", timer);
        p.addLast("decoder", decoder);
        p.addLast(ENCODER, new HttpResponseEncoder());
        p.addLast("guard", guard);
        p.addLast("body", new BodyLimitAggregator(settings.maxBodyBytes(), gateway));
        p.addLast("front", new FrontHandler(gateway, timer, guard));
    }
}
