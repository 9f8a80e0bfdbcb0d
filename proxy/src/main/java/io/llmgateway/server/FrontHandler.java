package io.llmgateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Dispatches each request of a client connection: liveness, the models list, or a proxied call. Requests
 * of one connection are answered in order; pipelined ones wait in a short queue.
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(FrontHandler.class);
    private static final int MAX_PIPELINED = 16;

    private final Gateway gateway;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ProxyExchange current;
    private boolean busy;

    FrontHandler(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        if (busy) {
            if (queued.size() >= MAX_PIPELINED) {
                request.release();
                ctx.close();
                return;
            }
            queued.add(request);
            return;
        }
        handle(request);
    }

    private void handle(FullHttpRequest request) {
        busy = true;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            request.release();
            Responses.error(ctx, 400, "Malformed HTTP request: " + request.decoderResult().cause().getMessage(),
                    null, null, false, null);
            return; // the connection closes; nothing more is read
        }
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = request.method();
        LocalEndpoint local = gateway.endpoints().find(path);
        if (local != null) {
            local.handle(new LocalExchange(ctx, request, keepAlive, this::exchangeDone));
            return;
        }
        if (method == HttpMethod.POST && path.startsWith("/v1/") && path.length() > 4) {
            current = new ProxyExchange(ctx, request, gateway, uri.substring(3), this::exchangeDone);
            current.start();
            return;
        }
        String requestId = RequestIds.of(request.headers());
        request.release();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            if (path.equals("/healthz")) {
                Responses.json(ctx, HttpResponseStatus.OK, "{\"status\":\"ok\"}", keepAlive, requestId);
            } else if (path.equals("/v1/models")) {
                Responses.json(ctx, HttpResponseStatus.OK, ModelList.all(gateway.config()), keepAlive, requestId);
            } else if (path.startsWith("/v1/models/")) {
                String id = QueryDecoding.decodePathSegment(path.substring("/v1/models/".length()));
                String json = ModelList.one(gateway.config(), id);
                if (json != null) {
                    Responses.json(ctx, HttpResponseStatus.OK, json, keepAlive, requestId);
                } else {
                    Responses.error(ctx, 404, "The model '" + id + "' does not exist.", "model", "model_not_found",
                            keepAlive, requestId);
                }
            } else {
                notFound(method, path, keepAlive, requestId);
            }
        } else {
            notFound(method, path, keepAlive, requestId);
        }
        exchangeDone();
    }

    private void notFound(HttpMethod method, String path, boolean keepAlive, String requestId) {
        Responses.error(ctx, 404, "Unknown request URL: " + method + " " + path + ". Please check the URL.", null,
                "unknown_url", keepAlive, requestId);
    }

    private void exchangeDone() {
        current = null;
        busy = false;
        FullHttpRequest next = queued.poll();
        if (next != null && ctx.channel().isActive()) {
            ctx.executor().execute(() -> handle(next));
        } else if (next != null) {
            next.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientClosed();
        }
        FullHttpRequest r;
        while ((r = queued.poll()) != null) {
            r.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection error: {}", cause.toString());
        ctx.close();
    }
}
