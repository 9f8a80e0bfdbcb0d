package io.llmgateway.admin;

import io.llmgateway.observe.RequestObserver;
import io.llmgateway.observe.RequestRecord;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/*
 * Design notes
 * - The only admin code on the request path. onComplete is O(1) and never blocks: one lock-free queue
 *   offer and one atomic increment; all counting, sorting into windows and percentiles happens on the
 *   admin thread when it drains the queue (every 100 ms, and before answering a status request).
 * - Bounded: if the admin thread falls behind by more than CAPACITY records, new records are counted as
 *   dropped instead of growing the heap; the page shows the count.
 */
/** Hands finished requests from the event loops to the admin thread. */
final class RecordFeed implements RequestObserver {
    static final int CAPACITY = 100_000;

    private final ConcurrentLinkedQueue<RequestRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();

    @Override
    public void onComplete(RequestRecord record) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.offer(record);
    }

    /** Passes every queued record to {@code sink}, oldest first; admin thread only. */
    void drainTo(Consumer<RequestRecord> sink) {
        RequestRecord r;
        while ((r = queue.poll()) != null) {
            size.decrementAndGet();
            sink.accept(r);
        }
    }

    long dropped() {
        return dropped.sum();
    }
}
