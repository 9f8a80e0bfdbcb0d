package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.observe.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SeqRing and RecordFeed. */
class StatsPiecesTest {

    @Test
    void seqRing_keepsTheLastItems() {
        SeqRing<String> ring = new SeqRing<>(2);
        ring.add("a");
        ring.add("b");
        ring.add("c");
        assertEquals(
                List.of("c", "b"),
                ring.newerThan(0, 10).stream().map(SeqRing.Entry::item).toList());
        assertEquals(3, ring.lastSeq());
        assertThrows(IllegalArgumentException.class, () -> new SeqRing<>(0));
    }

    private static RequestRecord record(int i) {
        return new RequestRecord(
                i, "r" + i, null, "/x", "m", "m", "p", List.of(), 200, false, 1, 1, 0, 0, 0, false, null, null);
    }

    @Test
    void feed_manyThreads_everyRecordArrivesOnce() throws Exception {
        RecordFeed feed = new RecordFeed();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            int base = t * 10_000;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    feed.onComplete(record(base + i));
                }
            });
        }
        start.countDown();
        List<RequestRecord> got = new ArrayList<>();
        pool.shutdown();
        while (!pool.awaitTermination(1, TimeUnit.MILLISECONDS)) {
            feed.drainTo(got::add);
        }
        feed.drainTo(got::add);
        assertEquals(80_000, got.size());
        assertEquals(
                80_000,
                got.stream()
                        .mapToLong(RequestRecord::startEpochMillis)
                        .distinct()
                        .count());
        assertEquals(0, feed.dropped());
    }

    @Test
    void feed_full_dropsAndCounts() {
        RecordFeed feed = new RecordFeed();
        for (int i = 0; i < RecordFeed.CAPACITY + 5; i++) {
            feed.onComplete(record(i));
        }
        assertEquals(5, feed.dropped());
        int[] n = {0};
        feed.drainTo(r -> n[0]++);
        assertEquals(RecordFeed.CAPACITY, n[0]);
        feed.onComplete(record(1));
        feed.drainTo(r -> n[0]++);
        assertEquals(RecordFeed.CAPACITY + 1, n[0]);
    }
}
