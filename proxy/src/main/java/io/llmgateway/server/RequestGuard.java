package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.llmgateway.openai.OpenAiErrors;
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
import java.util.List;
import java.util.Locale;

/*
 * Design notes
 * - Sits right after the decoder and sees each request's head before anything is buffered, so a bad
 *   request is refused before its body is read.
 * - A refused request gets an OpenAI-shaped error and the connection is closed: after a framing
 *   problem nothing later on that connection can be trusted, so everything until the close is dropped.
 * - Request bodies are charged against a process-wide byte budget while they are buffered (see
 *   BodyBudget); a request that would exceed it is shed with 503 instead of risking the heap.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {
    private final ServerSettings settings;
    private final BodyBudget budget;
    private final StrictRequestDecoder decoder;
    private boolean rejecting;
    private long charged;

    RequestGuard(ServerSettings settings, BodyBudget budget, StrictRequestDecoder decoder) {
        this.settings = settings;
        this.budget = budget;
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejecting) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            Rejection rejection = check((HttpRequest) msg);
            if (rejection != null) {
                ReferenceCountUtil.release(msg);
                reject(ctx, rejection.status, rejection.message);
                return;
            }
        }
        if (msg instanceof HttpContent) {
            int n = ((HttpContent) msg).content().readableBytes();
            if (n > 0 && !budget.tryCharge(n)) {
                ReferenceCountUtil.release(msg);
                reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "The gateway is buffering too many request bodies right now; retry shortly.");
                return;
            }
            charged += n;
        }
        ctx.fireChannelRead(msg);
    }

    /** The request whose body was charged has been handled: its bytes no longer count. */
    void requestDone() {
        budget.refund(charged);
        charged = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        requestDone();
        ctx.fireChannelInactive();
    }

    private Rejection check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "The request line is longer than the "
                        + "gateway's limit of " + settings.maxRequestLineBytes() + " bytes (server.max_request_line).");
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request headers are "
                        + "larger than the gateway's limit of " + settings.maxHeaderBytes()
                        + " bytes (server.max_header_size).");
            }
            return badRequest("Malformed HTTP request: " + cause.getMessage());
        }
        if (decoder.takeAmbiguousFraming()) {
            return badRequest("A request must not carry both Content-Length and Transfer-Encoding.");
        }
        for (String length : request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)) {
            if (!AsciiDigits.only(length)) {
                return badRequest("Invalid Content-Length: digits only.");
            }
        }
        List<String> te = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty() && (te.size() > 1 || !"chunked".equalsIgnoreCase(te.get(0).trim()))) {
            return badRequest("Unsupported Transfer-Encoding: only a single \"chunked\" is accepted.");
        }
        if (request.headers().size() > settings.maxHeaders()) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request has more than "
                    + settings.maxHeaders() + " header fields (server.max_headers).");
        }
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            // Absolute-form ("http://host/...") or authority-form targets could steer a proxy elsewhere.
            return badRequest("Only origin-form request targets (starting with /) are accepted.");
        }
        if (request.method() == HttpMethod.CONNECT || request.method() == HttpMethod.TRACE) {
            return badRequest("Method " + request.method() + " is not supported.");
        }
        String path = pathOf(uri);
        if (!hasTraversalCharacters(path)) {
            return null; // the usual path: none of the checks below can match
        }
        path = path.toLowerCase(Locale.ROOT);
        if (path.contains("/../") || path.endsWith("/..") || path.contains("%2e") || path.contains("%2f")
                || path.contains("\\") || path.contains("%5c") || path.contains("//")) {
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

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        rejecting = true;
        FullHttpResponse response = OpenAiErrors.response(ctx.alloc(), status, OpenAiErrors.typeFor(status.code()),
                message, null, null);
        if (status.code() == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private record Rejection(HttpResponseStatus status, String message) {
    }
}
