package io.llmgateway.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waits for something another thread does (a request settles, a file appears, a connection closes) by
 * polling a condition, so that a test waits only as long as it has to and fails with a message instead of
 * passing or failing by the luck of a fixed sleep. Not for the gateway's own timing: that is driven by an
 * injected clock or ticker.
 */
public final class Await {
    private static final long POLL_MILLIS = 10;

    private Await() {}

    /** Returns as soon as {@code condition} holds; fails with {@code what} if it does not within {@code timeout}. */
    public static void until(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@link #until(String, BooleanSupplier, Duration)} within 10 s. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, condition, Duration.ofSeconds(10));
    }

    /**
     * Waits until {@code value} has stopped changing for {@code quiet} (e.g. a writer that backpressure has
     * stopped) and returns it; fails if it is still changing after {@code timeout}.
     */
    public static long settled(String what, LongSupplier value, Duration quiet, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = value.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < quiet.toNanos()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still changing after " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(POLL_MILLIS);
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }
}
