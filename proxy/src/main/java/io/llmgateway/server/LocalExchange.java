package io.llmgateway.server;

import io.llmgateway.openai.OpenAiErrors;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request to a {@link LocalEndpoint}. It owns the request until a respond method is called, which
 * writes the response, releases the request and lets the connection go on to its next request. The answer
 * to a HEAD request goes out without its body, so an endpoint answers HEAD as it answers GET.
 */
public final class LocalExchange {
    private final ChannelHandlerContext ctx;
    private final FullHttpRequest request;
    private final QueryStringDecoder uri;
    private final boolean keepAlive;
    private final String requestId;
    private final Runnable onDone;
    private final AccessVerdict headVerdict;
    private final Ticker ticker;
    private final long startNanos;
    private boolean done;

    /**
     * @param headVerdict what the admin credentials earned when the request guard checked them on the head
     *                    (a body that may exceed the small cap), or null when they were not checked there
     * @param startNanos when the gateway started on the request, on {@code ticker}: the answer's
     *                   {@value ServerTiming#NAME} counts from there
     */
    LocalExchange(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            boolean keepAlive,
            AccessVerdict headVerdict,
            Ticker ticker,
            long startNanos,
            Runnable onDone) {
        this.ctx = ctx;
        this.ticker = ticker;
        this.startNanos = startNanos;
        this.request = request;
        this.headVerdict = headVerdict;
        this.uri = new QueryStringDecoder(request.uri());
        this.keepAlive = keepAlive;
        this.requestId = RequestIds.of(request.headers());
        this.onDone = onDone;
    }

    public ChannelHandlerContext ctx() {
        return ctx;
    }

    public FullHttpRequest request() {
        return request;
    }

    public HttpMethod method() {
        return request.method();
    }

    /** The decoded path, without the query. */
    public String path() {
        return uri.path();
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String body() {
        return request.content().toString(StandardCharsets.UTF_8);
    }

    public String requestId() {
        return requestId;
    }

    /** The client's IP address, or null when the connection has none. */
    public InetAddress remoteAddress() {
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** The admin verdict of the request's head, or null: each request's credentials count once. */
    public AccessVerdict headVerdict() {
        return headVerdict;
    }

    /** True when the client connects from this machine. */
    public boolean fromLoopback() {
        InetAddress address = remoteAddress();
        return address != null && address.isLoopbackAddress();
    }

    /** True when the request came over the TLS listener (on HTTP/2, the stream's connection did). */
    public boolean overTls() {
        Channel ch = ctx.channel();
        Channel connection = ch instanceof Http2StreamChannel ? ch.parent() : ch;
        return connection.pipeline().get(GatewayInitializer.TLS) != null;
    }

    public boolean isDone() {
        return done;
    }

    public void respond(FullHttpResponse response) {
        if (done) {
            response.release();
            return;
        }
        done = true;
        request.release();
        if (!ctx.channel().isActive()) {
            response.release();
        } else {
            Responses.timing(response, ServerTiming.total(ticker, startNanos));
            Responses.send(ctx, response, keepAlive, requestId, request.method() == HttpMethod.HEAD);
        }
        onDone.run();
    }

    public void respond(int status, String contentType, byte[] body) {
        ByteBuf content = ctx.alloc().buffer(body.length).writeBytes(body);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        respond(response);
    }

    public void respondJson(int status, String json) {
        respond(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** An error in OpenAI's shape. */
    public void respondError(int status, String message, String param, String code) {
        respond(OpenAiErrors.response(
                ctx.alloc(), HttpResponseStatus.valueOf(status), OpenAiErrors.typeFor(status), message, param, code));
    }
}
