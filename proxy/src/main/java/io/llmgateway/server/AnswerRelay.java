package io.llmgateway.server;

import io.llmgateway.cache.ResponseCache;
import io.llmgateway.observe.RateLimitHeaders;
import io.llmgateway.route.Router;
import io.llmgateway.spend.BudgetClaim;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;

/*
 * Design notes
 * - The one way a proxied exchange writes to its client: a provider's answer (head, body as it arrives, end),
 *   an in-band end of a broken stream, a whole answer of the gateway's own, or a cut connection.
 * - The framing is decided once per answer, at open(): past Netty's encoder as bytes (AnswerWriter, the usual
 *   HTTP/1.1 case), as HTTP/2 frames past the stream's codec (Http2AnswerWriter, an HTTP/2 stream) or as
 *   HttpObjects through the encoder (an HTTP/1.0 client, a framing the writer does not copy). Every later write
 *   asks one field, not the answer's headers.
 * - The provider's head is held back until commit(): until then nothing has reached the client and the
 *   exchange may still fail over.
 * - Writes are flushed once per upstream read batch (flushLater / flushIfPending), not per chunk.
 */
final class AnswerRelay {
    private final ChannelHandlerContext ctx;
    private final Router router;
    private final HttpVersion clientVersion;
    private final boolean keepAlive;
    private final String requestId;

    /** Writes the answer past Netty's encoder; null when the encoder writes it. */
    private AnswerWriter writer;

    /** Writes the answer as HTTP/2 frames past the stream's codec; null when the client is not on HTTP/2. */
    private Http2AnswerWriter h2;

    private HttpResponse held;
    private String clientModel;
    private String answerModel;
    private boolean committed;
    /** The client was told the body's length: nothing may follow it, not even an error event. */
    private boolean lengthAnnounced;

    private boolean closeAfter;
    /** The body's end was written. */
    private boolean ended;

    private boolean flushPending;
    private BudgetClaim budget = BudgetClaim.NONE;
    private String cache; // the response cache's outcome for the request, null when its model is not cached

    /**
     * @param router gives the rate-limit headers of the client's model as they stand when the head goes out
     * @param keepAlive whether the client's connection stays open after the answer
     */
    AnswerRelay(
            ChannelHandlerContext ctx, Router router, HttpVersion clientVersion, boolean keepAlive, String requestId) {
        this.ctx = ctx;
        this.router = router;
        this.clientVersion = clientVersion;
        this.keepAlive = keepAlive;
        this.requestId = requestId;
    }

    /**
     * Takes a provider's 2xx head, held back until {@link #commit}, and chooses how the body is framed.
     *
     * @param bodyChanges whether the gateway changes the body's length on the way (it then goes in chunks)
     * @param clientModel the model the client asked for, whose rate limits the head carries
     * @param answerModel the model that answers, for {@value ProxyExchange#MODEL_HEADER}
     */
    void open(HttpResponse response, boolean bodyChanges, String clientModel, String answerModel) {
        held = response;
        this.clientModel = clientModel;
        this.answerModel = answerModel;
        if (ctx.channel() instanceof Http2StreamChannel) {
            h2 = Http2AnswerWriter.forAnswer(ctx, response, bodyChanges);
            if (h2 != null) {
                lengthAnnounced = h2.contentLength() >= 0;
                return;
            }
        }
        if (clientVersion == HttpVersion.HTTP_1_1) {
            // The usual way; the head is written at commit().
            writer = AnswerWriter.forAnswer(ctx, response, bodyChanges);
            if (writer != null) {
                lengthAnnounced = !writer.chunked();
                return;
            }
        }
        HttpHeaders h = response.headers();
        HeaderPolicy.stripResponseHeaders(h);
        if (bodyChanges) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (clientVersion == HttpVersion.HTTP_1_0) {
            // An HTTP/1.0 client cannot read chunked framing: send the body raw and end it by closing.
            response.setProtocolVersion(HttpVersion.HTTP_1_0);
            if (HttpUtil.isTransferEncodingChunked(response)) {
                HttpUtil.setTransferEncodingChunked(response, false);
                closeAfter = true;
            }
        }
        RateLimitHeaders.apply(h, router.windows(clientModel));
        Responses.prepare(response, keepAlive && !closeAfter, requestId);
        // Tells the client which model answered: with "auto" it is the gateway's choice.
        h.set(ProxyExchange.MODEL_HEADER, answerModel);
        lengthAnnounced = h.contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    /** The client channel's allocator, for answers of the gateway's own. */
    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    /** Whether the client's connection stays open after the answer. */
    boolean keepAlive() {
        return keepAlive;
    }

    boolean committed() {
        return committed;
    }

    /** Whether the client was told the body's length, so that nothing may follow it. */
    boolean lengthAnnounced() {
        return lengthAnnounced;
    }

    /** Whether only closing the connection ends this answer's body. */
    boolean closesAfter() {
        return closeAfter;
    }

    /** The request's budgets: every answer to a key with a budget carries what is left of it. */
    void budget(BudgetClaim claim) {
        budget = claim;
    }

    /** The request's response cache outcome, which every answer to it then says ({@value ResponseCache#HEADER}). */
    void cache(String outcome) {
        cache = outcome;
    }

    /**
     * Writes the held head: from now on the answer is the client's and failover is over.
     *
     * @param preNanos {@link ServerTiming#PRE} of the answer
     * @param postNanos {@link ServerTiming#POST} of the answer
     */
    void commit(long preNanos, long postNanos) {
        committed = true;
        if (h2 != null) {
            h2.head(Http2AnswerWriter.headers(
                    held.status(),
                    held.headers(),
                    h2.contentLength(),
                    router.windows(clientModel),
                    requestId,
                    answerModel,
                    budget.keyRemainingUsd(),
                    preNanos,
                    postNanos,
                    cache));
        } else if (writer != null) {
            // The rate limits as they stand when the answer starts, like the encoder path's at open().
            writer.head(ClientResponseHead.encode(
                    ctx.alloc(),
                    held.status(),
                    held.headers(),
                    writer.contentLength(),
                    router.windows(clientModel),
                    keepAlive,
                    requestId,
                    answerModel,
                    budget.keyRemainingUsd(),
                    preNanos,
                    postNanos,
                    cache));
        } else {
            BudgetHeader.apply(held.headers(), budget);
            held.headers().add(ServerTiming.NAME, ServerTiming.value(preNanos, postNanos));
            cacheHeader(held.headers());
            ctx.write(held);
        }
        held = null;
    }

    /** Writes {@code buf} (released by the write, or here when empty) as body; not flushed. */
    void content(ByteBuf buf) {
        if (!buf.isReadable()) {
            buf.release();
        } else if (h2 != null) {
            h2.content(buf);
        } else if (writer != null) {
            writer.content(buf);
        } else {
            ctx.write(new DefaultHttpContent(buf));
        }
    }

    /** Ends the body; not flushed. */
    void end() {
        ended = true;
        if (h2 != null) {
            h2.end();
        } else if (writer != null) {
            writer.end();
        } else {
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** Ends a broken stream with {@code event} (released by the write) and flushes. */
    void endWith(ByteBuf event) {
        content(event);
        end();
        ctx.flush();
    }

    /** Flushes at the end of the current upstream read batch ({@link #flushIfPending}). */
    void flushLater() {
        flushPending = true;
    }

    void flushIfPending() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    void flush() {
        ctx.flush();
    }

    /** Whether the client takes more now; when not, the caller stops reading the provider. */
    boolean clientWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * Sends a whole answer of the gateway's own (or a provider's error), with the request id and keep-alive.
     *
     * @param serverTiming the {@value ServerTiming#NAME} value, added to a provider's own
     */
    void send(FullHttpResponse response, String serverTiming) {
        BudgetHeader.apply(response.headers(), budget);
        response.headers().add(ServerTiming.NAME, serverTiming);
        cacheHeader(response.headers());
        Responses.send(ctx, response, keepAlive, requestId);
    }

    private void cacheHeader(HttpHeaders headers) {
        if (cache != null) {
            headers.set(ResponseCache.HEADER, cache);
        }
    }

    /**
     * Closes the client's connection once what was written has gone. On HTTP/2 the stream ends with its answer
     * and the connection stays: a stream whose answer did not end is reset, which tells the client it is cut.
     */
    void close() {
        if (ctx.channel() instanceof Http2StreamChannel) {
            if (!ended) {
                ctx.flush();
                ctx.close();
            }
            return;
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Forgets an answer that was not committed (its attempt failed over). */
    void reset() {
        held = null;
        writer = null;
        h2 = null;
    }
}
