package io.llmgateway.server;

import io.llmgateway.config.UpstreamSettings;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

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

    /** The deadline of an attempt from {@code settings}: for its first byte when it {@code stream}s. */
    void attemptDeadline(boolean stream, UpstreamSettings settings) {
        deadline(
                stream
                        ? settings.streamFirstByteTimeout().toNanos()
                        : settings.responseTimeout().toNanos());
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

    /**
     * Why the timer expired, for the failure text: a relayed stream ({@code stalled}) was idle too long, or
     * the attempt's deadline from {@code settings} passed.
     */
    String why(boolean stalled, boolean stream, UpstreamSettings settings) {
        if (stalled) {
            return "no data from the provider for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
        }
        return stream
                ? "no response within stream_first_byte_timeout ("
                        + settings.streamFirstByteTimeout().toSeconds() + " s)"
                : "no complete response within response_timeout ("
                        + settings.responseTimeout().toSeconds() + " s)";
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
