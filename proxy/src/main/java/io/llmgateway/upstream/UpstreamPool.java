package io.llmgateway.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Design notes
 * - One pool per (event loop, origin). Every method runs on that loop, so plain collections suffice
 *   and an exchange never hops threads between its client and upstream channels.
 * - `open` counts channels that are connecting or connected. It goes down exactly once per channel,
 *   in the close listener (or on a failed connect), so a channel closed anywhere - by the provider,
 *   by a timeout, by an exchange that did not complete - is accounted for without bookkeeping there.
 * - Idle channels are reused LIFO: the most recently used one is the least likely to have been closed
 *   by the provider's keep-alive timeout.
 * - Idle expiry costs one timestamp per release: acquire skips (and closes) a channel idle for the
 *   timeout or longer, and one sweep per pool, scheduled only while channels are idle, closes the
 *   oldest ones (the tail of the LIFO deque) when they expire, so an unused pool lets its connections go
 *   before the provider's side does.
 */
final class UpstreamPool {
    private final EventLoop loop;
    private final Origin origin;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final int maxPending;
    private final long idleTimeoutNanos;
    private final Ticker ticker;
    private final AtomicInteger openTotal;
    private final ArrayDeque<UpstreamHandler> idle = new ArrayDeque<>();
    private final AcquireQueue waiters;
    private final Runnable sweepTask = this::sweep;
    private ScheduledFuture<?> sweep;
    private int open;

    UpstreamPool(
            EventLoop loop,
            Origin origin,
            Bootstrap bootstrap,
            int maxConnections,
            long acquireTimeoutMillis,
            int maxPending,
            long idleTimeoutNanos,
            Ticker ticker,
            AtomicInteger openTotal) {
        this.maxPending = maxPending;
        this.openTotal = openTotal;
        this.loop = loop;
        this.origin = origin;
        this.bootstrap = bootstrap;
        this.maxConnections = maxConnections;
        this.waiters = new AcquireQueue(loop, acquireTimeoutMillis);
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.ticker = ticker;
    }

    /**
     * A connected channel for one exchange; hand it back with {@link #release} or close it. With
     * {@code fresh}, a new connection when the pool has room for one, rather than an idle one.
     */
    Future<Channel> acquire(boolean fresh) {
        assert loop.inEventLoop();
        Promise<Channel> promise = loop.newPromise();
        if (fresh && open < maxConnections) {
            connect(promise);
            return promise;
        }
        if (!idle.isEmpty()) {
            long now = ticker.nanoTime();
            UpstreamHandler h;
            while ((h = idle.pollFirst()) != null) {
                Channel ch = h.channel();
                if (now - h.idleSince >= idleTimeoutNanos) {
                    ch.close(); // expired: the provider may be closing it right now
                } else if (ch.isActive()) {
                    return promise.setSuccess(ch);
                }
            }
        }
        if (open < maxConnections) {
            connect(promise);
        } else if (waiters.size() >= maxPending) {
            // Queueing more would only add latency and memory: shed now, the caller answers 503.
            promise.setFailure(new PoolExhaustedException("all " + maxConnections + " connections to "
                    + origin.poolKey() + " are busy and " + maxPending + " requests are already waiting"));
        } else {
            waiters.add(promise, "all " + maxConnections + " connections to " + origin.poolKey());
        }
        return promise;
    }

    /** Takes back a channel whose exchange completed; it is kept for reuse when still open. */
    void release(Channel ch) {
        assert loop.inEventLoop();
        UpstreamHandler h = UpstreamHandler.of(ch);
        h.unbind();
        if (!ch.isActive()) {
            return;
        }
        ch.config().setAutoRead(true);
        Promise<Channel> waiting;
        while ((waiting = waiters.poll()) != null) {
            if (waiting.trySuccess(ch)) {
                return;
            }
        }
        h.idleSince = ticker.nanoTime();
        idle.addFirst(h);
        if (sweep == null) {
            sweep = loop.schedule(sweepTask, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes the channels idle for the timeout or longer; runs again when the next one would expire. */
    private void sweep() {
        sweep = null;
        long now = ticker.nanoTime();
        UpstreamHandler oldest;
        while ((oldest = idle.peekLast()) != null && now - oldest.idleSince >= idleTimeoutNanos) {
            idle.pollLast();
            oldest.channel().close();
        }
        if (oldest != null) {
            sweep = loop.schedule(sweepTask, oldest.idleSince + idleTimeoutNanos - now, TimeUnit.NANOSECONDS);
        }
    }

    private void connect(Promise<Channel> promise) {
        open++;
        openTotal.incrementAndGet();
        ChannelFuture cf = bootstrap.connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
        Channel ch = cf.channel();
        ch.closeFuture().addListener(f -> onClosed(ch));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                handOut(ch, promise);
            } else {
                ssl.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        handOut(ch, promise);
                    } else {
                        ch.close();
                        promise.tryFailure(h.cause());
                    }
                });
            }
        });
    }

    private void handOut(Channel ch, Promise<Channel> promise) {
        if (!promise.trySuccess(ch)) {
            release(ch);
        }
    }

    private void onClosed(Channel ch) {
        open--;
        openTotal.decrementAndGet();
        for (Iterator<UpstreamHandler> it = idle.iterator(); it.hasNext(); ) {
            if (it.next().channel() == ch) {
                it.remove();
                break;
            }
        }
        // A slot became free: a waiter would otherwise sit until its timeout although we may connect.
        Promise<Channel> waiting = waiters.poll();
        if (waiting != null) {
            connect(waiting);
        }
    }
}
