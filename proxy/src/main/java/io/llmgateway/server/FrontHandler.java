package io.llmgateway.server;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.util.ShortText;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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

/*
 * Design notes
 * - Requests of one connection are answered in order; pipelined ones wait in a short queue, and one more
 *   than it holds closes the connection.
 * - Backpressure: while the connection's outbound buffer is above its high-water mark, the connection is
 *   not read and no queued request is answered; both resume when it drains. So a client that sends
 *   without reading makes the gateway hold at most the high-water mark plus one answer, and the queue.
 * - A HEAD request is answered like the GET of its path, without the body.
 */
/** Dispatches each request of a client connection: liveness, the models list, or a proxied call. */
final class FrontHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(FrontHandler.class);
    /** Requests waiting behind the one being answered. */
    private static final int MAX_PIPELINED = 16;

    static final String INVALID_KEY = "Incorrect API key provided. Send a key configured in gateway.api_keys as "
            + "'Authorization: Bearer <key>' or 'x-api-key: <key>'.";

    private final Gateway gateway;
    private final ConnectionTimer timer;
    private final RequestGuard guard;
    /** Each a {@link Pending} request or a {@link HeadRefusal}. */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private ProxyExchange current;
    private long startNanos; // when the current request's handling started, on the gateway's ticker
    private boolean busy;
    /** Body bytes the request being answered holds in the body budget. */
    private long charge;
    /** Not reading, and not answering queued requests, until the client takes what was written. */
    private boolean paused;
    /** A request was refused on its head: its body stays unread, the connection ends after its answer. */
    private boolean refused;

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
        Object item;
        if (msg instanceof FullHttpRequest) {
            FullHttpRequest request = (FullHttpRequest) msg;
            ClientKeys.Key key = guard.admittedKey();
            AccessVerdict adminVerdict = guard.admittedAdminVerdict();
            if (!busy && !paused) {
                handle(request, key, adminVerdict);
                return;
            }
            item = new Pending(request, key, adminVerdict); // allocated only when requests are pipelined
        } else if (msg instanceof HeadRefusal) {
            refused = true;
            ctx.channel().config().setAutoRead(false);
            if (!busy && !paused) {
                refuse((HeadRefusal) msg);
                return;
            }
            item = msg;
        } else {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (queued.size() >= MAX_PIPELINED) {
            release(item);
            ctx.close();
            return;
        }
        queued.add(item);
    }

    private void dispatch(Object item) {
        if (item instanceof Pending) {
            Pending p = (Pending) item;
            handle(p.request, p.key, p.adminVerdict);
        } else {
            refuse((HeadRefusal) item);
        }
    }

    private void handle(FullHttpRequest request, ClientKeys.Key key, AccessVerdict adminVerdict) {
        startNanos = gateway.ticker().nanoTime();
        busy = true;
        charge = request.content().readableBytes();
        timer.requestReceived();
        // While draining for shutdown, every answer asks the client to reconnect elsewhere.
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !gateway.draining();
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = request.method();
        boolean head = method == HttpMethod.HEAD;
        LocalEndpoint local = gateway.endpoints().find(path);
        if (local != null) {
            local.handle(new LocalExchange(
                    ctx, request, keepAlive, adminVerdict, gateway.ticker(), startNanos, this::exchangeDone));
            return;
        }
        String requestId = RequestIds.of(request.headers());
        boolean get = method == HttpMethod.GET || head;
        if (path.equals("/healthz") && get) {
            request.release();
            Responses.json(ctx, HttpResponseStatus.OK, "{\"status\":\"ok\"}", keepAlive, requestId, head, timing());
            exchangeDone();
            return;
        }
        // The guard looked the key up on the head; null here means none was valid, if one is needed now.
        if (key == null
                && path.startsWith("/v1/")
                && gateway.snapshot().clientKeys.enabled()) {
            request.release();
            Responses.error(
                    ctx,
                    gateway.clientDialect(path),
                    401,
                    INVALID_KEY,
                    null,
                    "invalid_api_key",
                    keepAlive,
                    requestId,
                    head,
                    timing());
            exchangeDone();
            return;
        }
        if (method == HttpMethod.POST && path.startsWith("/v1/") && path.length() > 4) {
            if (!gateway.tryEnter()) {
                request.release();
                FullHttpResponse busy = gateway.clientDialect(path)
                        .error(
                                ctx.alloc(),
                                503,
                                "The gateway is at its limit of concurrent requests "
                                        + "(server.max_in_flight); retry shortly.",
                                null,
                                "gateway_overloaded");
                busy.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
                Responses.timing(busy, timing());
                Responses.send(ctx, busy, keepAlive, requestId);
                exchangeDone();
                return;
            }
            RequestFacts counted = LocalTokenCount.counted(gateway, path, request, key);
            if (counted != null) {
                LocalTokenCount.answer(ctx, gateway, counted, request, key, keepAlive, requestId, this::proxyDone);
                return;
            }
            current = new ProxyExchange(
                    ctx,
                    request,
                    gateway,
                    uri.substring(3),
                    requestId,
                    keepAlive,
                    key == null ? null : new ClientQuota(key),
                    this::proxyDone);
            current.start();
            return;
        }
        request.release();
        if (get && path.equals("/v1/models")) {
            Responses.json(
                    ctx,
                    HttpResponseStatus.OK,
                    ModelList.all(gateway.config(), gateway.startSeconds()),
                    keepAlive,
                    requestId,
                    head,
                    timing());
        } else if (get && path.startsWith("/v1/models/")) {
            String id = QueryDecoding.decodePathSegment(path.substring("/v1/models/".length()));
            String json = ModelList.one(gateway.config(), gateway.startSeconds(), id);
            if (json != null) {
                Responses.json(ctx, HttpResponseStatus.OK, json, keepAlive, requestId, head, timing());
            } else {
                Responses.error(
                        ctx,
                        gateway.clientDialect(path),
                        404,
                        "The model '" + ShortText.cap(id, RequestRecord.MAX_MODEL_CHARS) + "' does not exist.",
                        "model",
                        "model_not_found",
                        keepAlive,
                        requestId,
                        head,
                        timing());
            }
        } else {
            Responses.error(
                    ctx,
                    gateway.clientDialect(path),
                    404,
                    unknownUrl(method, path),
                    null,
                    "unknown_url",
                    keepAlive,
                    requestId,
                    head,
                    timing());
        }
        exchangeDone();
    }

    /** The {@value ServerTiming#NAME} value of an answer of the gateway's own to the current request. */
    private String timing() {
        return ServerTiming.total(gateway.ticker(), startNanos);
    }

    static String unknownUrl(HttpMethod method, String path) {
        // The path is the client's: cut, so that a huge one is not echoed.
        return "Unknown request URL: " + method + " " + ShortText.cap(path, RequestRecord.MAX_PATH_CHARS)
                + ". Please check the URL.";
    }

    /** Answers a request refused on its head; the connection closes after it, so nothing follows. */
    private void refuse(HeadRefusal refusal) {
        startNanos = gateway.ticker().nanoTime(); // its body is never read: the gateway's time starts here
        busy = true;
        FullHttpResponse response =
                refusal.dialect().error(ctx.alloc(), refusal.status(), refusal.message(), null, refusal.code());
        if (refusal.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds());
        }
        Responses.timing(response, timing());
        Responses.send(ctx, response, false, refusal.requestId(), refusal.headOnly());
    }

    private void proxyDone() {
        gateway.exit();
        exchangeDone();
    }

    private void exchangeDone() {
        current = null;
        busy = false;
        guard.requestDone(charge);
        charge = 0;
        timer.responseDone();
        if (ctx.channel().isActive()) {
            next(); // else channelInactive releases what waits
        }
    }

    /** Answers the next waiting request, unless the client has yet to take what was written. */
    private void next() {
        if (paused) {
            return; // channelWritabilityChanged calls again
        }
        Object item = queued.poll();
        if (item != null) {
            busy = true; // a request read meanwhile waits behind this one
            ctx.executor().execute(() -> dispatch(item));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientClosed();
        }
        Object item;
        while ((item = queued.poll()) != null) {
            release(item);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (!writable && !paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        } else if (writable && paused) {
            paused = false;
            if (!refused) {
                ctx.channel().config().setAutoRead(true);
            }
            if (!busy) {
                next();
            }
        }
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

    private static void release(Object item) {
        if (item instanceof Pending) {
            ((Pending) item).request.release();
        }
    }

    /** A request waiting its turn, with the client key the guard found on its head. */
    private record Pending(FullHttpRequest request, ClientKeys.Key key, AccessVerdict adminVerdict) {}
}
