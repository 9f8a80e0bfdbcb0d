package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.util.AsciiDigits;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/*
 * Design notes
 * - Sits right after the decoder and sees each request's head before anything is buffered, so a bad
 *   request is refused before its body is read.
 * - A refused request gets an error in its path's shape and the connection is closed: after a framing
 *   problem nothing later on that connection can be trusted, so everything until the close is dropped.
 * - Request bodies are charged against a process-wide byte budget while they are buffered (see
 *   BodyBudget); a request that would exceed it is shed with 503 instead of risking the heap. Each
 *   request's charge is refunded when that request is answered (FrontHandler says how much), so the
 *   bodies of later pipelined requests stay charged while they wait.
 * - Admission happens here, on the head, because this is the last point before the aggregator buffers
 *   the body and answers "Expect: 100-continue": the client key (for /v1/), admin access (for the
 *   gateway's own paths, only when a body comes) and the path decide how many body bytes the request
 *   may send. Only a proxied call with a valid key, or a gateway path with admin access, gets
 *   server.max_body_size; every other body is never used by its answer and gets SMALL_BODY_BYTES; an
 *   unknown path gets none. A request refused here is answered without reading its body, which leaves
 *   the connection unusable: it is closed. The key found here is handed to FrontHandler, so each
 *   request's key is hashed once.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {
    /** The most body bytes a request may send when its answer does not read them, or without credentials. */
    static final int SMALL_BODY_BYTES = 16 * 1024;

    private final ServerSettings settings;
    private final Gateway gateway;
    private final BodyBudget budget;
    private final StrictRequestDecoder decoder; // null on an HTTP/2 stream, whose framing cannot be ambiguous
    private boolean rejecting;
    /** Body bytes charged to the budget for this connection's requests not yet answered. */
    private long charged;
    // Of the request being received: its path, declared body length (-1: chunked), client key, body bytes
    // it may still send, and what refuses it when it sends more.
    private String path = "";
    private long declaredLength;
    private ClientKeys.Key key;
    private AccessVerdict adminVerdict;
    private long bodyLeft;
    private Cap cap;
    private boolean headRequest;

    /** What a body larger than it is allowed gets. */
    private enum Cap {
        MAX_BODY,
        SMALL_BODY,
        ADMIN
    }

    RequestGuard(ServerSettings settings, Gateway gateway, StrictRequestDecoder decoder) {
        this.settings = settings;
        this.gateway = gateway;
        this.budget = gateway.bodyBudget();
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejecting) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            HttpRequest head = (HttpRequest) msg;
            Rejection rejection = check(head);
            if (rejection != null) {
                ReferenceCountUtil.release(msg);
                reject(ctx, rejection.status, rejection.message, gateway.clientDialect(pathOf(head.uri())));
                return;
            }
            HeadRefusal refusal = admit(ctx, head);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal);
                return;
            }
        }
        if (msg instanceof HttpContent) {
            int n = ((HttpContent) msg).content().readableBytes();
            if (n > 0) {
                bodyLeft -= n;
                if (bodyLeft < 0) { // a chunked body past its cap (a declared length was checked on the head)
                    ReferenceCountUtil.release(msg);
                    refuse(ctx, overCap(RequestIds.generate()));
                    return;
                }
                if (!budget.tryCharge(n)) {
                    ReferenceCountUtil.release(msg);
                    reject(
                            ctx,
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "The gateway is buffering too many request bodies right now; retry shortly.",
                            gateway.clientDialect(path));
                    return;
                }
            }
            charged += n;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The client key of the request that was received last, or null (no key needed, or none valid). The
     * aggregator passes a request on as its last body bytes pass here, so this is that request's key.
     */
    ClientKeys.Key admittedKey() {
        return key;
    }

    /**
     * The admin verdict of the request that was received last, or null when its head was not checked (no
     * body that may exceed the small cap): the endpoint then checks, so each request counts once.
     */
    AccessVerdict admittedAdminVerdict() {
        return adminVerdict;
    }

    /** The path of the request whose head was read last, or "" before the first. */
    String path() {
        return path;
    }

    /** A request has been answered: the {@code bytes} its body was charged no longer count. */
    void requestDone(long bytes) {
        long refund = Math.min(bytes, charged); // zero after channelInactive gave everything back
        charged -= refund;
        budget.refund(refund);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        budget.refund(charged);
        charged = 0;
        ctx.fireChannelInactive();
    }

    /** Decides on the head how much body the request may send; a refusal when it may not be read at all. */
    private HeadRefusal admit(ChannelHandlerContext ctx, HttpRequest head) {
        boolean hasBody = declaredLength != 0;
        headRequest = head.method() == HttpMethod.HEAD;
        key = null;
        adminVerdict = null;
        bodyLeft = settings.maxBodyBytes();
        cap = Cap.MAX_BODY;
        if (path.startsWith("/v1/")) {
            ClientKeys keys = gateway.snapshot().clientKeys;
            if (keys.enabled()) {
                key = keys.authenticate(head.headers());
                if (key == null && hasBody) {
                    return new HeadRefusal(
                            401,
                            FrontHandler.INVALID_KEY,
                            "invalid_api_key",
                            RequestIds.of(head.headers()),
                            headRequest,
                            gateway.clientDialect(path));
                } // without a body FrontHandler answers 401 and the connection stays usable
            }
            if (head.method() != HttpMethod.POST || path.length() == 4) {
                limitTo(Cap.SMALL_BODY); // not proxied: the answer does not read the body
            }
        } else if (gateway.endpoints().find(path) != null) {
            // Asked only for a body that may exceed the small cap: the endpoint checks access itself otherwise,
            // and the public paths (login) need no more. The verdict travels with the request, so that its
            // credentials count once (a wrong one is a failure of the client's address).
            if (declaredLength > SMALL_BODY_BYTES || declaredLength < 0) {
                adminVerdict = gateway.managementAccess().check(head.headers(), peer(ctx), path);
                if (adminVerdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
                    return new HeadRefusal(
                            429,
                            adminVerdict.message(),
                            "too_many_attempts",
                            RequestIds.of(head.headers()),
                            headRequest,
                            adminVerdict.retryAfterSeconds(),
                            gateway.clientDialect(path));
                }
                if (!adminVerdict.allowed()) {
                    limitTo(Cap.ADMIN);
                }
            }
        } else if (path.equals("/healthz")) {
            limitTo(Cap.SMALL_BODY);
        } else if (hasBody) {
            return new HeadRefusal(
                    404,
                    FrontHandler.unknownUrl(head.method(), path),
                    "unknown_url",
                    RequestIds.of(head.headers()),
                    headRequest,
                    gateway.clientDialect(path));
        }
        return declaredLength > bodyLeft ? overCap(RequestIds.of(head.headers())) : null;
    }

    private void limitTo(Cap smaller) {
        cap = smaller;
        bodyLeft = SMALL_BODY_BYTES;
    }

    private HeadRefusal overCap(String requestId) {
        return switch (cap) {
            case MAX_BODY ->
                new HeadRefusal(
                        413,
                        "The request body exceeds the gateway's limit of " + settings.maxBodyBytes()
                                + " bytes (server.max_body_size).",
                        "request_too_large",
                        requestId,
                        headRequest,
                        gateway.clientDialect(path));
            case SMALL_BODY ->
                new HeadRefusal(
                        413,
                        "This endpoint reads no request body; at most " + SMALL_BODY_BYTES + " bytes are accepted.",
                        "request_too_large",
                        requestId,
                        headRequest,
                        gateway.clientDialect(path));
            case ADMIN ->
                new HeadRefusal(
                        401,
                        adminVerdict.message(),
                        "admin_unauthorized",
                        requestId,
                        headRequest,
                        gateway.clientDialect(path));
        };
    }

    /**
     * Hands the refusal to FrontHandler, which answers it in turn and closes; until then nothing more is
     * read (FrontHandler turns reading off) and whatever was already read is dropped.
     */
    private void refuse(ChannelHandlerContext ctx, HeadRefusal refusal) {
        rejecting = true;
        ctx.fireChannelRead(refusal);
    }

    private Rejection check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Rejection(
                        HttpResponseStatus.REQUEST_URI_TOO_LONG,
                        "The request line is longer than the " + "gateway's limit of " + settings.maxRequestLineBytes()
                                + " bytes (server.max_request_line).");
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return new Rejection(
                        HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "The request headers are "
                                + "larger than the gateway's limit of " + settings.maxHeaderBytes()
                                + " bytes (server.max_header_size).");
            }
            return badRequest("Malformed HTTP request: " + cause.getMessage());
        }
        if (request.method().name().equals("PRI") && request.uri().equals("*")) {
            return badRequest(
                    settings.http2()
                            ? "This connection speaks HTTP/1.1: over TLS, HTTP/2 needs h2 chosen by ALPN."
                            : "HTTP/2 is turned off on this gateway (server.http2: false); send HTTP/1.1.");
        }
        if (decoder != null && decoder.takeAmbiguousFraming()) {
            return badRequest("A request must not carry both Content-Length and Transfer-Encoding.");
        }
        declaredLength = 0;
        for (String length : request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)) {
            if (!AsciiDigits.only(length)) {
                return badRequest("Invalid Content-Length: digits only.");
            }
            // The decoder has parsed it already (it refuses what overflows a long); more than 18 digits is huge.
            declaredLength = length.length() > 18 ? Long.MAX_VALUE : Long.parseLong(length);
        }
        List<String> te = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty()
                && (te.size() > 1 || !"chunked".equalsIgnoreCase(te.get(0).trim()))) {
            return badRequest("Unsupported Transfer-Encoding: only a single \"chunked\" is accepted.");
        }
        if (!te.isEmpty()) {
            declaredLength = -1;
        }
        if (request.headers().size() > settings.maxHeaders()) {
            return new Rejection(
                    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "The request has more than " + settings.maxHeaders() + " header fields (server.max_headers).");
        }
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            // Absolute-form ("http://host/...") or authority-form targets could steer a proxy elsewhere.
            return badRequest("Only origin-form request targets (starting with /) are accepted.");
        }
        if (request.method() == HttpMethod.CONNECT || request.method() == HttpMethod.TRACE) {
            return badRequest("Method " + request.method() + " is not supported.");
        }
        path = pathOf(uri);
        if (!hasTraversalCharacters(path)) {
            return null; // the usual path: none of the checks below can match
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("/../")
                || lower.endsWith("/..")
                || lower.contains("%2e")
                || lower.contains("%2f")
                || lower.contains("\\")
                || lower.contains("%5c")
                || lower.contains("//")) {
            return badRequest("The request path must not contain dot segments, encoded slashes or empty segments.");
        }
        return null;
    }

    /** Whether {@code path} has a character that every pattern of the path check needs ('.', '%', '\\', "//"). */
    private static boolean hasTraversalCharacters(String path) {
        return path.indexOf('.') >= 0 || path.indexOf('%') >= 0 || path.indexOf('\\') >= 0 || path.contains("//");
    }

    private static Rejection badRequest(String message) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, message);
    }

    /** Refuses the request in {@code dialect}'s error shape (its path's) and closes the connection. */
    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String message, ClientDialect dialect) {
        rejecting = true;
        FullHttpResponse response = dialect.error(ctx.alloc(), status.code(), message, null, null);
        if (status.code() == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static InetAddress peer(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private record Rejection(HttpResponseStatus status, String message) {}
}
