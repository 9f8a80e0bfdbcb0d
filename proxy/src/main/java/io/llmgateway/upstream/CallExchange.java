package io.llmgateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/*
 * Design notes
 * - One overall deadline, from asking for a connection to the answer's last byte: a provider that sends
 *   its head and then drips, or never ends, its body cannot hold a call open.
 * - Only the first maxBodyBytes of the body are kept; past them the connection is closed (a connection
 *   with an unread body cannot be reused) and the answer completes as truncated.
 * - The rule of proxied requests for stale connections holds here too: a reused connection that fails
 *   before any byte of the answer is tried once more on a new connection, as it says nothing about the
 *   provider.
 * - Everything runs on one event loop; the future completes there.
 */
/** One {@link UpstreamCall} over a pooled connection. */
final class CallExchange implements UpstreamListener {
    private final UpstreamClient client;
    private final EventLoop loop;
    private final Origin origin;
    private final UpstreamCall call;
    final CompletableFuture<UpstreamAnswer> result = new CompletableFuture<>();
    private ScheduledFuture<?> deadline;
    private Channel channel;
    private boolean retried;
    private HttpResponse head;
    private ByteArrayOutputStream body;
    private boolean truncated;

    CallExchange(UpstreamClient client, EventLoop loop, Origin origin, UpstreamCall call) {
        this.client = client;
        this.loop = loop;
        this.origin = origin;
        this.call = call;
    }

    /** Call on {@code loop}. */
    void start() {
        long millis = call.deadline().toMillis();
        deadline = loop.schedule(
                () -> fail(new TimeoutException("no complete answer within " + millis + " ms")),
                call.deadline().toNanos(),
                TimeUnit.NANOSECONDS);
        lease(false);
    }

    private void lease(boolean fresh) {
        Future<Channel> leased = fresh ? client.acquireFresh(loop, origin, this) : client.acquire(loop, origin, this);
        leased.addListener(f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
                return;
            }
            Channel ch = (Channel) f.getNow();
            if (result.isDone()) {
                client.release(loop, origin, ch); // the deadline passed meanwhile: the connection is unused
                return;
            }
            channel = ch;
            call.send(ch, origin).addListener(w -> {
                if (!w.isSuccess() && channel == ch) {
                    broke(w.cause());
                }
            });
        });
    }

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        try {
            if (result.isDone()) {
                return;
            }
            if (msg.decoderResult().isFailure()) {
                fail(msg.decoderResult().cause());
                return;
            }
            if (msg instanceof HttpResponse) {
                HttpResponse response = (HttpResponse) msg;
                if (response.status().code() >= 200) { // else an interim answer: the real one follows
                    head = response;
                    body = new ByteArrayOutputStream();
                }
            }
            if (msg instanceof HttpContent && head != null) {
                ByteBuf data = ((HttpContent) msg).content();
                int room = call.maxBodyBytes() - body.size();
                if (data.readableBytes() > room) {
                    truncated = true;
                    data.readBytes(body, room);
                    complete(false);
                    return;
                }
                data.readBytes(body, data.readableBytes());
                if (msg instanceof LastHttpContent) {
                    complete(HttpUtil.isKeepAlive(head));
                }
            }
        } catch (IOException impossible) { // writing to a byte array
            fail(impossible);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onUpstreamError(Throwable cause) {
        broke(cause);
    }

    @Override
    public void onUpstreamClosed() {
        broke(new IOException("the provider closed the connection before the answer ended"));
    }

    private void broke(Throwable cause) {
        if (result.isDone()) {
            return;
        }
        if (!retried && head == null && UpstreamClient.reusedAndUnanswered(channel)) {
            retried = true;
            UpstreamClient.discard(channel);
            channel = null;
            lease(true);
            return;
        }
        fail(cause);
    }

    private void complete(boolean reusable) {
        deadline.cancel(false);
        Channel ch = channel;
        channel = null;
        if (reusable) {
            client.release(loop, origin, ch);
        } else {
            UpstreamClient.discard(ch);
        }
        result.complete(new UpstreamAnswer(
                head.status().code(),
                head.headers(),
                new String(body.toByteArray(), StandardCharsets.UTF_8),
                truncated));
    }

    private void fail(Throwable cause) {
        if (result.isDone()) {
            return;
        }
        deadline.cancel(false);
        if (channel != null) {
            UpstreamClient.discard(channel);
            channel = null;
        }
        result.completeExceptionally(cause);
    }
}
