package io.llmgateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Concurrency proofs: many threads released together on the same operation. */
public final class Race {
    private Race() {}

    /** One step of a race; returns what it counts (e.g. 1 when admitted). */
    @FunctionalInterface
    public interface Op {
        long run();
    }

    /** Runs {@code op} {@code perThread} times on each of {@code threads} threads released together; sums results. */
    public static long run(int threads, int perThread, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    long sum = 0;
                    for (int i = 0; i < perThread; i++) {
                        sum += op.run();
                    }
                    return sum;
                }));
            }
            long total = 0;
            for (Future<Long> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
