package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.llmgateway.tls.ServerCertificates;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;

/**
 * Builds the pipeline of one client connection: the same for both listeners, behind a TLS handler on the
 * TLS one. With HTTP/2 on, the HTTP/1.1 handlers are in place from the start and are swapped for
 * {@link Http2Front}'s when the client turns out to speak h2: by ALPN on the TLS listener
 * ({@link ProtocolChoice}), by the connection preface on the plain one ({@link PrefaceDetector}).
 */
final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    /** The response encoder's name: a response written as bytes (ClientResponseHead) is written past it. */
    static final String ENCODER = "encoder";

    /** The TLS handler's name. */
    static final String TLS = "tls";

    static final String TIMER = "timer";
    static final String DECODER = "decoder";
    static final String GUARD = "guard";
    static final String BODY = "body";
    static final String FRONT = "front";

    /** The connection-level HTTP/1.1 handlers, which an h2 connection does without. */
    static final List<String> HTTP_1_1 = List.of(TIMER, DECODER, ENCODER, GUARD, BODY, FRONT);

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
        p.addLast(TIMER, timer);
        if (settings.http2()) {
            p.addLast("protocol", certificates != null ? new ProtocolChoice(gateway) : new PrefaceDetector(gateway));
        }
        p.addLast(DECODER, decoder);
        p.addLast(ENCODER, new HttpResponseEncoder());
        p.addLast(GUARD, guard);
        p.addLast(BODY, new BodyLimitAggregator(settings.maxBodyBytes(), gateway));
        p.addLast(FRONT, new FrontHandler(gateway, timer, guard));
    }
}
