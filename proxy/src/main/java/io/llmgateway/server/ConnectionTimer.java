package io.llmgateway.server;

import io.llmgateway.config.ServerSettings;
import io.llmgateway.protocol.ClientDialect;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/*
 * Design notes
 * - First in the pipeline, so it sees raw bytes: the request deadline starts at a request's first byte,
 *   which is what stops a slowloris client trickling its headers (the decoder would see nothing yet).
 * - Three phases: IDLE (keep-alive, idle timeout runs), RECEIVING (deadline for headers and body runs),
 *   BUSY (the request is being answered: no timer here, the exchange has its own upstream timeouts, so a
 *   long healthy stream is never cut).
 * - Being first, it cannot read the request: the 408 takes the error shape of the dialect it is given, which
 *   the pipeline derives from the request line the decoder has read so far (OpenAI's before there is one).
 */
final class ConnectionTimer extends ChannelInboundHandlerAdapter {
    private enum Phase {
        IDLE,
        RECEIVING,
        BUSY
    }

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    /** The longest a timer is set ahead: no later phase can then need an earlier wake-up. */
    private final long maxArmNanos;

    private final String requestTimeoutText;
    private final Supplier<ClientDialect> dialect;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.IDLE;
    private long deadlineNanos;
    private ScheduledFuture<?> timer;

    /** @param dialect the wire format of the request being received, whose error shape its 408 takes */
    ConnectionTimer(ServerSettings settings, Supplier<ClientDialect> dialect) {
        this.dialect = dialect;
        this.requestTimeoutNanos = settings.requestTimeout().toNanos();
        long millis = settings.requestTimeout().toMillis();
        this.requestTimeoutText = millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
        this.maxArmNanos = Math.min(requestTimeoutNanos, idleTimeoutNanos);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        enter(Phase.IDLE, idleTimeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Bytes on a connection; a request's head on an HTTP/2 stream, whose timer sits behind the frame codec.
        if (phase == Phase.IDLE
                && ((msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) || msg instanceof HttpRequest)) {
            enter(Phase.RECEIVING, requestTimeoutNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** Taken out when the connection turns out to speak HTTP/2, whose streams have timers of their own. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** A whole request has been read: from now on the exchange's own timeouts apply. */
    void requestReceived() {
        phase = Phase.BUSY; // a pending timer finds BUSY and lapses
    }

    /** The response is complete: the connection idles until the next request. */
    void responseDone() {
        if (ctx.channel().isActive()) {
            enter(Phase.IDLE, idleTimeoutNanos);
        } else {
            phase = Phase.IDLE;
        }
    }

    /*
     * A phase only moves the deadline; the timer is not rescheduled for every request (two schedules and two
     * cancellations per request cost event-loop time). It is armed at most maxArmNanos ahead, so a deadline
     * set later can never be earlier than the pending wake-up, and on waking it re-arms for what is left of
     * the current deadline.
     */
    private void enter(Phase next, long timeoutNanos) {
        phase = next;
        deadlineNanos = ctx.executor().ticker().nanoTime() + timeoutNanos;
        if (timer == null) {
            arm(timeoutNanos);
        }
    }

    private void arm(long nanosLeft) {
        timer = ctx.executor().schedule(this::onTimer, Math.min(nanosLeft, maxArmNanos), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (phase == Phase.BUSY || !ctx.channel().isActive()) {
            return; // the next phase arms a new timer
        }
        long left = deadlineNanos - ctx.executor().ticker().nanoTime(); // the scheduler's own time
        if (left > 0) {
            arm(left);
            return;
        }
        if (phase == Phase.RECEIVING) {
            FullHttpResponse response = dialect.get()
                    .error(
                            ctx.alloc(),
                            408,
                            "The request was not received completely within " + requestTimeoutText
                                    + " (server.request_timeout).",
                            null,
                            "request_timeout");
            HttpUtil.setKeepAlive(response, false);
            // Written from the tail so that it passes through the response encoder behind this handler.
            ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
