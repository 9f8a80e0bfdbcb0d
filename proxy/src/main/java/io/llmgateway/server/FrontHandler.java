package io.llmgateway.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.llmgateway.json.ShortText;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.openai.OpenAiErrors;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
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
    private final ConnectionTimer timer;
    private final RequestGuard guard;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ProxyExchange current;
    private boolean busy;

    FrontHandler(Gateway gateway, ConnectionTimer timer, RequestGuard guard) {
        this.gateway = gateway;
        this.timer = timer;
        this.guard = guard;
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
        timer.requestReceived();
        // While draining for shutdown, every answer asks the client to reconnect elsewhere.
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !gateway.draining();
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = request.method();
        LocalEndpoint local = gateway.endpoints().find(path);
        if (local != null) {
            local.handle(new LocalExchange(ctx, request, keepAlive, this::exchangeDone));
            return;
        }
        String requestId = RequestIds.of(request.headers());
        if (path.equals("/healthz") && method == HttpMethod.GET) {
            request.release();
            Responses.json(ctx, HttpResponseStatus.OK, "{\"status\":\"ok\"}", keepAlive, requestId);
            exchangeDone();
            return;
        }
        ClientKeys keys = gateway.snapshot().clientKeys;
        ClientKeys.Key key = null;
        if (path.startsWith("/v1/") && keys.enabled()) {
            key = keys.authenticate(request.headers());
            if (key == null) {
                request.release();
                Responses.error(ctx, 401, "Incorrect API key provided. Send a key configured in gateway.api_keys as "
                        + "'Authorization: Bearer <key>'.", null, "invalid_api_key", keepAlive, requestId);
                exchangeDone();
                return;
            }
        }
        if (method == HttpMethod.POST && path.startsWith("/v1/") && path.length() > 4) {
            if (!gateway.tryEnter()) {
                request.release();
                FullHttpResponse busy = OpenAiErrors.response(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                        OpenAiErrors.UPSTREAM, "The gateway is at its limit of concurrent requests "
                                + "(server.max_in_flight); retry shortly.", null, "gateway_overloaded");
                busy.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
                Responses.send(ctx, busy, keepAlive, requestId);
                exchangeDone();
                return;
            }
            current = new ProxyExchange(ctx, request, gateway, uri.substring(3), requestId, keepAlive,
                    key == null ? null : new ClientQuota(key), this::proxyDone);
            current.start();
            return;
        }
        request.release();
        if (method == HttpMethod.GET && path.equals("/v1/models")) {
            Responses.json(ctx, HttpResponseStatus.OK, ModelList.all(gateway.config()), keepAlive, requestId);
        } else if (method == HttpMethod.GET && path.startsWith("/v1/models/")) {
            String id = QueryDecoding.decodePathSegment(path.substring("/v1/models/".length()));
            String json = ModelList.one(gateway.config(), id);
            if (json != null) {
                Responses.json(ctx, HttpResponseStatus.OK, json, keepAlive, requestId);
            } else {
                Responses.error(ctx, 404, "The model '" + ShortText.cap(id, RequestRecord.MAX_MODEL_CHARS)
                        + "' does not exist.", "model", "model_not_found",
                        keepAlive, requestId);
            }
        } else {
            notFound(method, path, keepAlive, requestId);
        }
        exchangeDone();
    }

    private void proxyDone() {
        gateway.exit();
        exchangeDone();
    }

    private void notFound(HttpMethod method, String path, boolean keepAlive, String requestId) {
        String shown = ShortText.cap(path, RequestRecord.MAX_PATH_CHARS); // the path is the client's
        Responses.error(ctx, 404, "Unknown request URL: " + method + " " + shown + ". Please check the URL.", null,
                "unknown_url", keepAlive, requestId);
    }

    private void exchangeDone() {
        current = null;
        busy = false;
        guard.requestDone();
        timer.responseDone();
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
