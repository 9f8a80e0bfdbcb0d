package io.llmgateway.demo;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes pre-rendered SSE events one by one, {@code pace} apart, then {@code data: [DONE]} (OpenAI's end; an
 * Anthropic stream ends with its own last event).
 * Pacing is a chain of {@code schedule} calls on the channel's loop (never a sleep); each step checks
 * that the channel is still open, so a client that hangs up just ends the chain.
 */
final class DemoStream {

    private final ChannelHandlerContext ctx;
    private final List<String> events;
    private final Duration pace;
    private final boolean keepAlive;
    private final boolean complete;
    private int next;

    private DemoStream(
            ChannelHandlerContext ctx, List<String> events, Duration pace, boolean keepAlive, boolean complete) {
        this.ctx = ctx;
        this.events = events;
        this.pace = pace;
        this.keepAlive = keepAlive;
        this.complete = complete;
    }

    /** Sends the response head now and the first event's data right after it; ends with {@code [DONE]}. */
    static void start(ChannelHandlerContext ctx, List<String> events, Duration pace, boolean keepAlive) {
        begin(ctx, keepAlive);
        new DemoStream(ctx, events, pace, keepAlive, false).writeNext();
    }

    /** Like {@link #start}, with {@code events} complete (name, data, blank line) and nothing after them. */
    static void startComplete(ChannelHandlerContext ctx, List<String> events, Duration pace, boolean keepAlive) {
        begin(ctx, keepAlive);
        new DemoStream(ctx, events, pace, keepAlive, true).writeNext();
    }

    private static void begin(ChannelHandlerContext ctx, boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setTransferEncodingChunked(head, true);
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.write(head);
    }

    private void writeNext() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (next == events.size()) {
            if (!complete) {
                ctx.write(event("[DONE]"));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                    .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
            return;
        }
        String e = events.get(next++);
        ctx.writeAndFlush(complete ? new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), e)) : event(e))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        ctx.executor().schedule(this::writeNext, pace.toNanos(), TimeUnit.NANOSECONDS);
    }

    private DefaultHttpContent event(String data) {
        return new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), "data: " + data + "\n\n"));
    }
}
