package io.llmgateway.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.Ticker;

/**
 * The one timer of an exchange: a deadline for the current attempt, or, while a stream is relayed, an idle
 * timeout that activity pushes back without rescheduling per chunk. Confined to the exchange's event loop.
 */
final class ExchangeTimer {
    private final EventExecutor executor;
    private final Ticker ticker;
    private final Runnable onExpiry;
    private ScheduledFuture<?> pending;
    private long idleNanos; // 0: a plain deadline
    private long lastActivityNanos;

    /** @param onExpiry runs on {@code executor} when the deadline passes or the stream was idle too long */
    ExchangeTimer(EventExecutor executor, Ticker ticker, Runnable onExpiry) {
        this.executor = executor;
        this.ticker = ticker;
        this.onExpiry = onExpiry;
    }

    /** Expires in {@code nanos}, replacing what was set. */
    void deadline(long nanos) {
        idleNanos = 0;
        schedule(nanos);
    }

    /** Expires once nothing happened ({@link #activity}) for {@code nanos}, replacing what was set. */
    void idle(long nanos) {
        idleNanos = nanos;
        lastActivityNanos = ticker.nanoTime();
        schedule(nanos);
    }

    /** Something arrived: pushes an idle timeout back. */
    void activity() {
        lastActivityNanos = ticker.nanoTime();
    }

    long idleNanos() {
        return idleNanos;
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void schedule(long nanos) {
        cancel();
        pending = executor.schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        pending = null;
        if (idleNanos > 0) {
            long idle = ticker.nanoTime() - lastActivityNanos;
            if (idle < idleNanos) {
                // Activity since the timer was set: re-arm for the rest instead of rescheduling per chunk.
                schedule(idleNanos - idle);
                return;
            }
        }
        onExpiry.run();
    }
}
