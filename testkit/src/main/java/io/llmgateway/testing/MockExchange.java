package io.llmgateway.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays one {@link Behaviour} for one request, on the connection's event loop.
 *
 * <p>Design notes: paced output is a chain of scheduled tasks (never a sleep), and each step first
 * checks that the channel is still open, so a client abort simply ends the chain. "Units" are SSE
 * events or drip pieces; {@code resetAfter}/{@code stallAfter} count units.
 */
final class MockExchange {

    private static final byte[] GARBAGE =
            "\u0000\u0013\u0037 this is not HTTP at all \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HALF_HEADERS =
            "HTTP/1.1 200 OK\r\nContent-Type: applic".getBytes(StandardCharsets.ISO_8859_1);
    /** JSON whitespace: an endless body is valid JSON that never ends. */
    private static final byte[] BLANKS = " ".repeat(16 * 1024).getBytes(StandardCharsets.ISO_8859_1);

    private final ChannelHandlerContext ctx;
    private final Behaviour behaviour;
    private final RequestFacts facts;
    private final boolean keepAlive;
    private final long answerId;

    private List<byte[]> units = List.of();
    private int next;
    private boolean split;
    private ChannelFuture lastWrite;

    MockExchange(ChannelHandlerContext ctx, Behaviour behaviour, RequestFacts facts, boolean keepAlive, long answerId) {
        this.ctx = ctx;
        this.behaviour = behaviour;
        this.facts = facts;
        this.keepAlive = keepAlive;
        this.answerId = answerId;
    }

    void start() {
        Duration delay = behaviour.delay();
        if (delay.isZero()) {
            respond();
        } else {
            ctx.executor().schedule(this::respond, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void respond() {
        if (!ctx.channel().isActive()) {
            return;
        }
        switch (behaviour.kind()) {
            case DROP -> ctx.close();
            case RESET -> reset();
            case ENDLESS -> respondEndless();
            case STALL -> {}
            case GARBAGE -> writeRawAndClose(GARBAGE);
            case HALF_HEADERS -> writeRawAndClose(HALF_HEADERS);
            case SSE -> respondSse();
            case JSON, RENDERED, CHAT, EMBEDDINGS -> respondJson();
            default -> throw new IllegalStateException("unresolved " + behaviour);
        }
    }

    private void writeRawAndClose(byte[] bytes) {
        // Written from the first handler's context so that it bypasses the HTTP encoder.
        ctx.pipeline()
                .firstContext()
                .writeAndFlush(Unpooled.wrappedBuffer(bytes))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void respondJson() {
        byte[] body = behaviour.bodyBytes(facts, answerId);
        HttpResponseStatus status = HttpResponseStatus.valueOf(behaviour.status());
        if (behaviour.dripBytes() == 0) {
            HttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            prepare(response, behaviour.contentType());
            HttpUtil.setContentLength(response, body.length);
            lastWrite = ctx.writeAndFlush(response);
            finishConnection();
            return;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        prepare(response, behaviour.contentType());
        HttpUtil.setContentLength(response, body.length);
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < body.length; i += behaviour.dripBytes()) {
            pieces.add(Arrays.copyOfRange(body, i, Math.min(body.length, i + behaviour.dripBytes())));
        }
        stream(response, pieces, false);
    }

    private void respondEndless() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        prepare(response, "application/json");
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.writeAndFlush(response);
        writeBlanks();
    }

    private void writeBlanks() {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(BLANKS)))
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            ctx.executor().execute(this::writeBlanks);
                        }
                    });
        }
    }

    private void respondSse() {
        HttpResponse response =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(behaviour.status()));
        prepare(response, "text/event-stream; charset=utf-8");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setTransferEncodingChunked(response, true);
        List<byte[]> events = new ArrayList<>();
        for (String event : behaviour.events(facts, answerId)) {
            events.add(event.getBytes(StandardCharsets.UTF_8));
        }
        stream(response, events, behaviour.splitEvents());
    }

    private void prepare(HttpResponse response, String contentType) {
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        for (String[] header : behaviour.headers()) {
            response.headers().add(header[0], header[1]);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
    }

    private void stream(HttpResponse head, List<byte[]> units, boolean split) {
        this.units = units;
        this.split = split;
        lastWrite = ctx.writeAndFlush(head);
        writeNext();
    }

    private void writeNext() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (next == behaviour.resetAfter()) {
            reset();
            return;
        }
        if (next == behaviour.stallAfter()) {
            return;
        }
        if (next == units.size()) {
            lastWrite = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            finishConnection();
            return;
        }
        byte[] unit = units.get(next++);
        if (split && unit.length > 1) {
            // Mid-event split: the reader sees half an event (possibly half a UTF-8 sequence) first.
            int cut = unit.length / 2;
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(unit, 0, cut)));
            lastWrite = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(unit, cut, unit.length - cut)));
        } else {
            lastWrite = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(unit)));
        }
        Duration pace = behaviour.pace();
        if (pace.isZero() || next == units.size()) {
            // execute() rather than recursion: a long drip must not grow the stack.
            ctx.executor().execute(this::writeNext);
        } else {
            ctx.executor().schedule(this::writeNext, pace.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void reset() {
        // SO_LINGER 0 makes close() send RST instead of FIN: an abrupt upstream failure.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        if (lastWrite == null) {
            ctx.close();
        } else {
            lastWrite.addListener(f -> ctx.close());
        }
    }

    private void finishConnection() {
        if (!keepAlive) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
