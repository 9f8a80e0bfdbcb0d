package io.llmgateway.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
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
 */
final class UpstreamPool {
    private final EventLoop loop;
    private final Origin origin;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final long acquireTimeoutMillis;
    private final int maxPending;
    private final AtomicInteger openTotal;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int open;

    UpstreamPool(EventLoop loop, Origin origin, Bootstrap bootstrap, int maxConnections, long acquireTimeoutMillis,
            int maxPending, AtomicInteger openTotal) {
        this.maxPending = maxPending;
        this.openTotal = openTotal;
        this.loop = loop;
        this.origin = origin;
        this.bootstrap = bootstrap;
        this.maxConnections = maxConnections;
        this.acquireTimeoutMillis = acquireTimeoutMillis;
    }

    /** A connected channel for one exchange; hand it back with {@link #release} or close it. */
    Future<Channel> acquire() {
        assert loop.inEventLoop();
        Promise<Channel> promise = loop.newPromise();
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            if (ch.isActive()) {
                return promise.setSuccess(ch);
            }
        }
        if (open < maxConnections) {
            connect(promise);
        } else if (waiters.size() >= maxPending) {
            // Queueing more would only add latency and memory: shed now, the caller answers 503.
            promise.setFailure(new PoolExhaustedException("all " + maxConnections + " connections to "
                    + origin.poolKey() + " are busy and " + maxPending + " requests are already waiting"));
        } else {
            Waiter waiter = new Waiter(promise);
            waiter.timeout = loop.schedule(() -> {
                if (waiters.remove(waiter)) {
                    promise.tryFailure(new PoolExhaustedException("all " + maxConnections + " connections to "
                            + origin.poolKey() + " stayed busy for " + acquireTimeoutMillis + " ms"));
                }
            }, acquireTimeoutMillis, TimeUnit.MILLISECONDS);
            waiters.addLast(waiter);
        }
        return promise;
    }

    /** Takes back a channel whose exchange completed; it is kept for reuse when still open. */
    void release(Channel ch) {
        assert loop.inEventLoop();
        UpstreamHandler.of(ch).unbind();
        if (!ch.isActive()) {
            return;
        }
        ch.config().setAutoRead(true);
        Waiter waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            waiter.timeout.cancel(false);
            if (waiter.promise.trySuccess(ch)) {
                return;
            }
        }
        idle.addFirst(ch);
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
        idle.remove(ch);
        // A slot became free: a waiter would otherwise sit until its timeout although we may connect.
        Waiter waiter = waiters.pollFirst();
        if (waiter != null) {
            waiter.timeout.cancel(false);
            connect(waiter.promise);
        }
    }

    private static final class Waiter {
        final Promise<Channel> promise;
        ScheduledFuture<?> timeout;

        Waiter(Promise<Channel> promise) {
            this.promise = promise;
        }
    }
}
