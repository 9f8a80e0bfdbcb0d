package io.llmgateway.upstream;

import io.llmgateway.config.UpstreamSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/*
 * Design notes
 * - One pool per (event loop, origin) of an http2 provider, like UpstreamPool: every method runs on that loop.
 *   A lease is a stream channel of a shared connection; it ends when the stream channel closes (the answer
 *   ended, or the exchange closed it, which resets the stream), and then its slot is free.
 * - A connection takes streams only once ready (the provider's SETTINGS arrived, so its
 *   SETTINGS_MAX_CONCURRENT_STREAMS is known) and while it is not draining (no GOAWAY). The pool fills its
 *   connections in order, so traffic stays on as few as possible; when all are full it opens another (at most
 *   max_connections_per_loop that are not draining) and otherwise queues the request, as UpstreamPool does:
 *   bounded by max_pending_acquires and the acquire timeout.
 * - A draining connection does not count against that bound: the provider asked the gateway to go elsewhere.
 *   It closes as soon as its last stream ends.
 * - When the provider's ALPN chooses HTTP/1.1 the pool hands every lease, now and later, to the HTTP/1.1 pool of
 *   the same origin: the provider has said what it speaks.
 * - A connection without streams closes after the idle timeout, as an idle HTTP/1.1 connection does.
 */
final class H2Pool implements H2Connection.Events {
    private final EventLoop loop;
    private final Origin origin;
    private final Bootstrap bootstrap;
    private final H2Pipeline pipeline;
    private final Supplier<UpstreamPool> http1;
    private final int maxConnections;
    private final int maxPending;
    private final long idleTimeoutNanos;
    private final Ticker ticker;
    private final AtomicInteger openTotal;
    private final List<H2Connection> connections = new ArrayList<>();
    private final AcquireQueue waiters;
    private boolean http1Only;

    H2Pool(
            EventLoop loop,
            Origin origin,
            Bootstrap bootstrap,
            H2Pipeline pipeline,
            Supplier<UpstreamPool> http1,
            UpstreamSettings limits,
            Ticker ticker,
            AtomicInteger openTotal) {
        this.loop = loop;
        this.origin = origin;
        this.bootstrap = bootstrap;
        this.pipeline = pipeline;
        this.http1 = http1;
        this.maxConnections = limits.maxConnectionsPerLoop();
        this.waiters = new AcquireQueue(loop, limits.acquireTimeout().toMillis());
        this.maxPending = limits.maxPendingAcquires();
        this.idleTimeoutNanos = limits.idleConnectionTimeout().toNanos();
        this.ticker = ticker;
        this.openTotal = openTotal;
    }

    /** A stream channel for one exchange, or an HTTP/1.1 channel when the provider chose HTTP/1.1. */
    Future<Channel> acquire(boolean fresh) {
        assert loop.inEventLoop();
        if (http1Only) {
            return http1.get().acquire(fresh);
        }
        Promise<Channel> promise = loop.newPromise();
        // A fresh lease (a retry after a refused stream) needs nothing special: refused streams come from
        // draining connections or are refused by the provider without being processed.
        H2Connection c = withRoom();
        if (c != null) {
            openStream(c, promise);
        } else if (waiters.size() >= maxPending) {
            promise.setFailure(new PoolExhaustedException("all streams of the HTTP/2 connections to " + origin.poolKey()
                    + " are busy and " + maxPending + " requests are already waiting"));
        } else {
            waiters.add(promise, "all streams of the HTTP/2 connections to " + origin.poolKey());
            connectIfNeeded();
        }
        return promise;
    }

    private H2Connection withRoom() {
        for (int i = 0; i < connections.size(); i++) {
            H2Connection c = connections.get(i);
            if (c.hasRoom()) {
                return c;
            }
        }
        return null;
    }

    /** Opens a connection when none is on its way and the bound allows one more. */
    private void connectIfNeeded() {
        int live = 0;
        for (int i = 0; i < connections.size(); i++) {
            H2Connection c = connections.get(i);
            if (!c.draining) {
                if (!c.ready) {
                    return; // its capacity is not known yet: wait for it
                }
                live++;
            }
        }
        if (live < maxConnections) {
            connect();
        }
    }

    private void connect() {
        H2Connection c = new H2Connection(this);
        connections.add(c);
        openTotal.incrementAndGet();
        ChannelFuture cf = bootstrap
                .clone()
                .handler(pipeline.initializer(c))
                .connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
        c.channel = cf.channel();
        c.channel.closeFuture().addListener(f -> closed(c));
        cf.addListener(f -> {
            if (!f.isSuccess() && c.failure == null) {
                c.failure = f.cause();
            }
        });
    }

    private void openStream(H2Connection c, Promise<Channel> promise) {
        c.active++;
        c.openStream(pipeline.streamInitializer()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                streamEnded(c);
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            // Counted free only after the current read: a stream channel closes while the codec still counts its
            // stream as active (its END_STREAM or RST_STREAM is processed after the close, or flushed later).
            stream.closeFuture().addListener(x -> loop.execute(() -> streamEnded(c)));
            if (!promise.trySuccess(stream)) {
                stream.close(); // the caller gave up meanwhile; no stream was started
            }
        });
    }

    private void streamEnded(H2Connection c) {
        c.active--;
        if (c.active == 0) {
            if (c.draining) {
                c.channel.close();
            } else {
                c.idleSince = ticker.nanoTime();
                if (c.idleCheck == null) {
                    c.idleCheck = loop.schedule(() -> idleCheck(c), idleTimeoutNanos, TimeUnit.NANOSECONDS);
                }
            }
        }
        serveWaiters();
    }

    /** Closes {@code c} if it has had no stream for the idle timeout; else looks again when it could have. */
    private void idleCheck(H2Connection c) {
        c.idleCheck = null;
        if (c.active > 0 || !c.channel.isActive()) {
            return; // streamEnded schedules the next look
        }
        long idleFor = ticker.nanoTime() - c.idleSince;
        if (idleFor >= idleTimeoutNanos) {
            c.channel.close();
        } else {
            c.idleCheck = loop.schedule(() -> idleCheck(c), idleTimeoutNanos - idleFor, TimeUnit.NANOSECONDS);
        }
    }

    private void serveWaiters() {
        H2Connection c;
        while (!waiters.isEmpty() && (c = withRoom()) != null) {
            openStream(c, waiters.poll());
        }
        if (!waiters.isEmpty()) {
            connectIfNeeded();
        }
    }

    @Override
    public void changed(H2Connection c) {
        if (c.draining && c.active == 0) {
            c.channel.close();
        }
        serveWaiters();
    }

    @Override
    public void http1Only(H2Connection c) {
        http1Only = true;
        UpstreamPool pool = http1.get();
        Promise<Channel> next;
        while ((next = waiters.poll()) != null) {
            Promise<Channel> waiting = next;
            pool.acquire(false).addListener(f -> {
                if (!f.isSuccess()) {
                    waiting.tryFailure(f.cause());
                } else if (!waiting.trySuccess((Channel) f.getNow())) {
                    pool.release((Channel) f.getNow());
                }
            });
        }
    }

    private void closed(H2Connection c) {
        connections.remove(c);
        openTotal.decrementAndGet();
        if (c.idleCheck != null) {
            c.idleCheck.cancel(false);
            c.idleCheck = null;
        }
        if (!c.ready && !http1Only) {
            // It never took a stream: the waiters were waiting for it, and the provider is not reachable now.
            Throwable cause = c.failure != null
                    ? c.failure
                    : new IOException("the provider closed the connection before its HTTP/2 settings");
            Promise<Channel> waiting;
            while ((waiting = waiters.poll()) != null) {
                waiting.tryFailure(cause);
            }
            return;
        }
        serveWaiters();
    }
}
