package io.llmgateway.server;

import io.llmgateway.protocol.ClientDialect;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes the gateway's own complete responses, with the request id and keep-alive handled. */
final class Responses {
    private Responses() {}

    /** @param serverTiming the {@value ServerTiming#NAME} value, or null for none */
    static ChannelFuture json(
            ChannelHandlerContext ctx,
            HttpResponseStatus status,
            String json,
            boolean keepAlive,
            String requestId,
            boolean headOnly,
            String serverTiming) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        timing(response, serverTiming);
        return send(ctx, response, keepAlive, requestId, headOnly);
    }

    /**
     * An error of the gateway's own in {@code dialect}'s shape (the path's: see {@link Gateway#clientDialect}).
     *
     * @param serverTiming the {@value ServerTiming#NAME} value, or null for none
     */
    static ChannelFuture error(
            ChannelHandlerContext ctx,
            ClientDialect dialect,
            int status,
            String message,
            String param,
            String code,
            boolean keepAlive,
            String requestId,
            boolean headOnly,
            String serverTiming) {
        FullHttpResponse response = dialect.error(ctx.alloc(), status, message, param, code);
        timing(response, serverTiming);
        return send(ctx, response, keepAlive, requestId, headOnly);
    }

    static ChannelFuture send(
            ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, String requestId) {
        return send(ctx, response, keepAlive, requestId, false);
    }

    /**
     * @param headOnly whether this answers a HEAD request: the head goes out as it is (its Content-Length still
     *        tells the GET's), the body does not, as a client or pooling proxy reads none after a HEAD's head
     */
    static ChannelFuture send(
            ChannelHandlerContext ctx,
            FullHttpResponse response,
            boolean keepAlive,
            String requestId,
            boolean headOnly) {
        if (headOnly && response.content().isReadable()) {
            FullHttpResponse bodiless = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
            response = bodiless;
        }
        prepare(response, keepAlive, requestId);
        ChannelFuture f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }

    /** Adds {@code serverTiming} (null: nothing) as a {@value ServerTiming#NAME} header. */
    static void timing(HttpResponse response, String serverTiming) {
        if (serverTiming != null) {
            response.headers().add(ServerTiming.NAME, serverTiming);
        }
    }

    /** Sets the headers every response of the gateway carries. */
    static void prepare(HttpResponse response, boolean keepAlive, String requestId) {
        if (requestId != null) {
            response.headers().set(RequestIds.HEADER, requestId);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
    }
}
