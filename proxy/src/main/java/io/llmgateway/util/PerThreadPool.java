package io.llmgateway.util;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Objects that live as long as a stream (its buffers), handed to the next stream on the same thread when
 * the stream ends, so that a stream allocates none of its own. An object that is never given back is left
 * to the collector; each thread keeps at most {@code maxPerThread}. Not for objects that are shared:
 * whoever gives one back must not touch it again.
 */
public final class PerThreadPool<T> {
    private final int maxPerThread;
    private final Supplier<T> factory;
    private final FastThreadLocal<ArrayDeque<T>> pool = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<T> initialValue() {
            return new ArrayDeque<>();
        }
    };

    public PerThreadPool(int maxPerThread, Supplier<T> factory) {
        if (maxPerThread < 1) {
            throw new IllegalArgumentException("maxPerThread: " + maxPerThread + " (expected: >= 1)");
        }
        this.maxPerThread = maxPerThread;
        this.factory = requireNonNull(factory, "factory");
    }

    /** One of this thread's pooled objects, or a new one. */
    public T take() {
        T t = pool.get().pollFirst();
        return t != null ? t : factory.get();
    }

    /** Keeps {@code t} for the next {@link #take()} on this thread, unless the thread has enough already. */
    public void give(T t) {
        requireNonNull(t, "t");
        ArrayDeque<T> deque = pool.get();
        if (deque.size() < maxPerThread) {
            deque.addFirst(t);
        }
    }
}
