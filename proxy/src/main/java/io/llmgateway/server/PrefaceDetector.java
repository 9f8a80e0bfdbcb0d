package io.llmgateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Tells h2c with prior knowledge from HTTP/1.1 on the plain listener by the connection's first bytes: the
 * HTTP/2 preface ({@code PRI * HTTP/2.0...}) makes it an h2 connection ({@link Http2Front}); anything else
 * goes on to the HTTP/1.1 handlers, unchanged. Either way it then leaves the pipeline, handing on the bytes it
 * held (at most the preface's 24), so it costs nothing after the first read.
 */
final class PrefaceDetector extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Gateway gateway;

    PrefaceDetector(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = PREFACE.readableBytes();
        int n = Math.min(in.readableBytes(), length);
        if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), n)) {
            ctx.pipeline().remove(this);
        } else if (n == length) {
            Http2Front.replaceHttp1(ctx.pipeline(), gateway);
            ctx.pipeline().remove(this);
        } // else a prefix of the preface: wait for more (the connection timer bounds the wait)
    }
}
