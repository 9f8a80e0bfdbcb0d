package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.util.ShortText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What an HTTP/2 connection reports, last in its (parent) pipeline. One line when the gateway closes the
 * connection for a protocol violation or abuse: the GOAWAY it sends with an error code is the one place every such
 * closing passes (the codec's flood and reset limits, a header block over the bound, a malformed frame); the line
 * has the client's address, the error code and the codec's reason, never header values. The exceptions the codec
 * passes on for the same violations stop here (at the tail each would be a warning with a stack trace, one an
 * attacker could repeat at will); any other error closes the connection, as FrontHandler does on HTTP/1.1.
 */
final class Http2ConnectionLog extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Http2ConnectionLog.class);

    private ChannelHandlerContext ctx;
    private boolean logged;

    Http2ConnectionLog(Http2Connection connection) {
        requireNonNull(connection, "connection").addListener(new Http2ConnectionAdapter() {
            @Override
            public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
                goAwaySent(errorCode, debugData);
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP/2 connection error: {}", cause.toString());
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        } // else the codec, which passed it on first, is sending the GOAWAY with its error code and closing
    }

    private void goAwaySent(long errorCode, ByteBuf debugData) {
        if (logged || errorCode == Http2Error.NO_ERROR.code()) {
            return;
        }
        logged = true;
        Http2Error error = Http2Error.valueOf(errorCode);
        LOG.warn(
                "HTTP/2 connection from {} closed with GOAWAY {}: {}",
                ctx != null ? ctx.channel().remoteAddress() : "?",
                error != null ? error.name() : Long.toString(errorCode),
                ShortText.cap(debugData.toString(StandardCharsets.UTF_8), 200));
    }
}
