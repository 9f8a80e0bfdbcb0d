package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - The HTTP/2 counterpart of ConnectionTimer, on the connection (parent) channel in front of the frame codec, so
 *   it sees raw bytes: a client that sends part of a preface, a frame or a header block and stops is invisible
 *   behind the codec, which only passes complete frames on.
 * - Three phases, derived from the codec's open streams and from where the byte stream stands (HeadTracker):
 *   BUSY (streams open: no connection timer, each stream is an exchange with its own deadlines), HEAD (no stream
 *   open, a preface, frame or header block started: it must be complete within server.request_timeout) and IDLE
 *   (no stream open, nothing pending: closed server.idle_timeout after the last stream ended, as Envoy's idle
 *   timeout; PING and SETTINGS frames do not count as use).
 * - Closing goes through the channel (the tail), so the frame codec in front of it sends GOAWAY NO_ERROR first.
 * - The timer is armed at most min(request, idle timeout) ahead and re-armed on waking, as in ConnectionTimer, so a
 *   phase change only moves a deadline and never reschedules.
 */
final class Http2ConnectionTimer extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Http2ConnectionTimer.class);

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long maxArmNanos;
    private final String requestTimeoutText;
    private final Http2Connection connection;
    private final HeadTracker head = new HeadTracker();
    private ChannelHandlerContext ctx;
    private long idleSinceNanos;
    private long headSinceNanos;
    private ScheduledFuture<?> timer;

    /** @param connection the frame codec's connection, whose open streams make the connection busy */
    Http2ConnectionTimer(ServerSettings settings, Http2Connection connection) {
        this.connection = requireNonNull(connection, "connection");
        this.requestTimeoutNanos = settings.requestTimeout().toNanos();
        this.idleTimeoutNanos = settings.idleTimeout().toNanos();
        this.maxArmNanos = Math.min(requestTimeoutNanos, idleTimeoutNanos);
        long millis = settings.requestTimeout().toMillis();
        this.requestTimeoutText = millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (Http2ConnectionTimer.this.connection.numActiveStreams() == 0 && ctx != null) {
                    idleSinceNanos = now();
                    armIfNeeded();
                }
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idleSinceNanos = now();
        if (ctx.channel().isActive()) {
            armIfNeeded();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idleSinceNanos = now();
        armIfNeeded();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            boolean wasPending = head.pending();
            boolean crossedRest = head.consume((ByteBuf) msg);
            if (head.pending() && (!wasPending || crossedRest)) {
                headSinceNanos = now(); // a new head started in these bytes
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

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

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void armIfNeeded() {
        if (timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::onTimer, maxArmNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (connection.numActiveStreams() > 0) {
            armIfNeeded(); // BUSY: look again later; the last stream's end sets the idle time
            return;
        }
        boolean inHead = head.pending();
        long left = inHead ? headSinceNanos + requestTimeoutNanos - now() : idleSinceNanos + idleTimeoutNanos - now();
        if (left > 0) {
            timer = ctx.executor().schedule(this::onTimer, Math.min(left, maxArmNanos), TimeUnit.NANOSECONDS);
            return;
        }
        if (inHead) {
            LOG.info(
                    "HTTP/2 connection from {}: {} not complete within {} (server.request_timeout), closed",
                    ctx.channel().remoteAddress(),
                    head.what(),
                    requestTimeoutText);
        }
        ctx.channel().close(); // through the codec: GOAWAY NO_ERROR, then close
    }

    /**
     * Follows the frame boundaries of the client's byte stream (frame headers only; payloads are skipped, never
     * copied) to tell whether a preface, a frame or a header block (HEADERS up to the CONTINUATION with END_HEADERS)
     * has started and not finished.
     */
    static final class HeadTracker {
        private static final int PREFACE_LENGTH = 24;
        private static final int FRAME_HEADER_LENGTH = 9;
        private static final int TYPE_HEADERS = 0x1;
        private static final int TYPE_CONTINUATION = 0x9;
        private static final int FLAG_END_HEADERS = 0x4;

        private int prefaceLeft = PREFACE_LENGTH;
        private final byte[] frameHeader = new byte[FRAME_HEADER_LENGTH];
        private int frameHeaderFill;
        private long payloadLeft;
        private int frameType;
        private boolean inHeaderBlock;

        /**
         * Follows {@code bytes} without moving its reader index; true when nothing was pending at some point
         * within them (a head ended in them, so what is pending now started in them).
         */
        boolean consume(ByteBuf bytes) {
            boolean crossedRest = false;
            int i = bytes.readerIndex();
            int end = bytes.writerIndex();
            while (i < end) {
                if (i > bytes.readerIndex() && !pending()) {
                    crossedRest = true;
                }
                if (prefaceLeft > 0) {
                    int n = Math.min(prefaceLeft, end - i);
                    prefaceLeft -= n;
                    i += n;
                } else if (payloadLeft > 0) {
                    int n = (int) Math.min(payloadLeft, end - i);
                    payloadLeft -= n;
                    i += n;
                } else {
                    frameHeader[frameHeaderFill++] = bytes.getByte(i++);
                    if (frameHeaderFill == FRAME_HEADER_LENGTH) {
                        frameHeaderFill = 0;
                        startFrame();
                    }
                }
            }
            return crossedRest;
        }

        private void startFrame() {
            payloadLeft = ((frameHeader[0] & 0xffL) << 16) | ((frameHeader[1] & 0xffL) << 8) | (frameHeader[2] & 0xffL);
            frameType = frameHeader[3] & 0xff;
            if (isHeaderFrame()) {
                inHeaderBlock = (frameHeader[4] & FLAG_END_HEADERS) == 0;
            }
        }

        /** Whether a preface, a frame or a header block has started and not finished. */
        boolean pending() {
            return (prefaceLeft > 0 && prefaceLeft < PREFACE_LENGTH)
                    || frameHeaderFill > 0
                    || payloadLeft > 0
                    || inHeaderBlock;
        }

        /** What is pending, for the log. */
        String what() {
            if (prefaceLeft > 0) {
                return "the connection preface";
            }
            return inHeaderBlock || (payloadLeft > 0 && isHeaderFrame()) ? "a header block" : "a frame";
        }

        private boolean isHeaderFrame() {
            return frameType == TYPE_HEADERS || frameType == TYPE_CONTINUATION;
        }
    }
}
