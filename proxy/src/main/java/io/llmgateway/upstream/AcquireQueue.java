package io.llmgateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The requests of one pool waiting for a connection or a stream, in arrival order, each failed with
 * {@link PoolExhaustedException} when it waits longer than the acquire timeout. Used on the pool's event loop
 * only.
 */
final class AcquireQueue {
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final EventLoop loop;
    private final long timeoutMillis;

    AcquireQueue(EventLoop loop, long timeoutMillis) {
        this.loop = loop;
        this.timeoutMillis = timeoutMillis;
    }

    int size() {
        return waiters.size();
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /**
     * Queues {@code promise}.
     *
     * @param busy what stayed busy, for the timeout's message (e.g. "all 8 connections to https://host:443")
     */
    void add(Promise<Channel> promise, String busy) {
        Waiter waiter = new Waiter(promise);
        waiter.timeout = loop.schedule(
                () -> {
                    if (waiters.remove(waiter)) {
                        promise.tryFailure(
                                new PoolExhaustedException(busy + " stayed busy for " + timeoutMillis + " ms"));
                    }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
        waiters.addLast(waiter);
    }

    /** The longest waiting request, its timeout cancelled; null when none waits. */
    Promise<Channel> poll() {
        Waiter waiter = waiters.pollFirst();
        if (waiter == null) {
            return null;
        }
        waiter.timeout.cancel(false);
        return waiter.promise;
    }

    private static final class Waiter {
        final Promise<Channel> promise;
        ScheduledFuture<?> timeout;

        Waiter(Promise<Channel> promise) {
            this.promise = promise;
        }
    }
}
