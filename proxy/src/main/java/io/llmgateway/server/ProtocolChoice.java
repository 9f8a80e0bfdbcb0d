package io.llmgateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Picks the TLS listener's protocol once the handshake is done: h2 when ALPN chose it, else HTTP/1.1, whose
 * handlers are already in place (a client that offers no ALPN speaks HTTP/1.1).
 */
final class ProtocolChoice extends ApplicationProtocolNegotiationHandler {
    private static final Logger LOG = LogManager.getLogger(ProtocolChoice.class);

    private final Gateway gateway;

    ProtocolChoice(Gateway gateway) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.gateway = gateway;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Front.replaceHttp1(ctx.pipeline(), gateway);
        }
    }

    /** A failed handshake is the client's problem (a wrong CA, a port scan): not a warning in the gateway's log. */
    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("TLS handshake failed: {}", cause.toString());
        ctx.close();
    }
}
