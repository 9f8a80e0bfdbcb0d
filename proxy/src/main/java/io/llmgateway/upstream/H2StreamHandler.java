package io.llmgateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Sits between a provider stream's frame-to-HTTP codec and its {@link UpstreamHandler}, so that an exchange sees
 * a stream as it sees an HTTP/1.1 connection:
 * <ul>
 *   <li>a ByteBuf written is the request's body and the last thing sent: one DATA frame that ends the stream
 *       (the head goes as a headers frame, see {@link UpstreamClient#multiplexed});
 *   <li>RST_STREAM from the provider is an exception ({@link StreamResetException}), as a connection reset is;
 *   <li>the codec's {@code x-http2-stream-id} header does not reach the answer's headers.
 * </ul>
 * It also tells whether a failing request was surely not processed, and may go again on another connection:
 * the provider refused the stream (REFUSED_STREAM, or a GOAWAY whose last stream id is below the stream's)
 * before any of its answer, or its headers could not even be written.
 */
final class H2StreamHandler extends ChannelDuplexHandler implements UpstreamHandler.RetryHint {
    private static final String STREAM_ID =
            HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();

    private boolean received;
    private boolean refused;

    @Override
    public void leased() {
        // A stream serves one lease: nothing to reset.
    }

    @Override
    public boolean unprocessed(int leases) {
        return refused && !received;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject) {
            received = true;
            if (msg instanceof HttpResponse response) {
                response.headers().remove(STREAM_ID);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The multiplex handler delivers RST_STREAM as an event, not a read: it is not flow-controlled.
        if (evt instanceof Http2ResetFrame reset) {
            if (!received && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
                refused = true;
            }
            ctx.fireExceptionCaught(new StreamResetException(reset.errorCode(), received));
            return; // not reference-counted
        }
        if (evt instanceof Http2GoAwayFrame goAway) {
            // Sent only to streams the provider did not take (id above its last stream id); they close next.
            refused = !received;
            goAway.release();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf body) {
            ctx.write(new DefaultHttp2DataFrame(body, true), promise);
        } else if (msg instanceof Http2HeadersFrame) {
            ChannelPromise p = promise.unvoid();
            p.addListener(f -> {
                if (!f.isSuccess()) {
                    refused = true; // no stream was created: the provider never saw the request
                }
            });
            ctx.write(msg, p);
        } else {
            ctx.write(msg, promise);
        }
    }
}
