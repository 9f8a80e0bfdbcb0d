package io.llmgateway.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerThreadPoolTest {
    @Test
    void take_givesBackWhatThisThreadGave_lastFirst() {
        AtomicInteger made = new AtomicInteger();
        PerThreadPool<Object> pool = new PerThreadPool<>(4, () -> new int[] {made.incrementAndGet()});
        Object a = pool.take();
        Object b = pool.take();
        assertEquals(2, made.get());
        pool.give(a);
        pool.give(b);
        assertSame(b, pool.take());
        assertSame(a, pool.take());
        assertNotSame(a, pool.take(), "the pool is empty again: a new one");
        assertEquals(3, made.get());
    }

    @Test
    void give_keepsAtMostMaxPerThread() {
        PerThreadPool<Object> pool = new PerThreadPool<>(1, Object::new);
        Object a = new Object();
        pool.give(a);
        pool.give(new Object());
        assertSame(a, pool.take());
        assertNotSame(a, pool.take());
    }

    @Test
    void take_otherThreadsHaveTheirOwn() throws Exception {
        PerThreadPool<Object> pool = new PerThreadPool<>(4, Object::new);
        Object mine = new Object();
        pool.give(mine);
        Object theirs = CompletableFuture.supplyAsync(pool::take).get();
        assertNotSame(mine, theirs);
        assertSame(mine, pool.take());
    }

    @Test
    void constructor_badArguments() {
        assertEquals(
                "maxPerThread: 0 (expected: >= 1)",
                assertThrows(IllegalArgumentException.class, () -> new PerThreadPool<>(0, Object::new))
                        .getMessage());
        assertThrows(NullPointerException.class, () -> new PerThreadPool<>(1, null));
    }
}
