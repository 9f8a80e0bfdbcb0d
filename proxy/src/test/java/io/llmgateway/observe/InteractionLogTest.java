package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interaction log's writer thread: how often the request path has to wake it, and that a stop waits. */
class InteractionLogTest {
    @TempDir
    Path dir;

    private static RequestRecord record(String id) {
        return new RequestRecord(
                System.currentTimeMillis(),
                id,
                null,
                "/chat/completions",
                "gpt-4o",
                "gpt-4o",
                "main",
                List.of(new AttemptRecord("main", "gpt-4o", "ok", 200, 1)),
                200,
                false,
                1,
                1,
                1,
                1,
                2,
                false,
                null,
                null);
    }

    @Test
    void recordsAFewHundredMillisecondsApart_areTakenByTheWriterWithoutWakingItAgain() throws Exception {
        InteractionLog log = new InteractionLog(dir, 100, 1 << 20, 7, Clock.systemUTC());
        try {
            for (int i = 1; i <= 3; i++) {
                log.onComplete(record("req_" + i));
                assertEquals(i, InteractionLines.await(dir, i).size());
                // Longer than a batch: the writer keeps polling for a while instead of ending its run.
                Thread.sleep(10 * InteractionLog.BATCH_MILLIS);
            }
            assertEquals(1, log.writerStarts(), "the event loops woke the writer for more than the first record");
            assertEquals(3, log.written());
        } finally {
            log.close();
        }
    }

    @Test
    void close_whileTheWriterWaitsForMore_writesWhatIsQueuedAndReturnsPromptly() throws Exception {
        InteractionLog log = new InteractionLog(dir, 100, 1 << 20, 7, Clock.systemUTC());
        log.onComplete(record("req_1"));
        InteractionLines.await(dir, 1);
        log.onComplete(record("req_2"));

        long start = System.nanoTime();
        log.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(2, log.written(), "a graceful stop writes what was queued");
        assertEquals(0, log.queued());
        // The writer keeps looking for records for seconds; a stop must not wait for that (nor hit close()'s
        // 2 s limit). A batch takes milliseconds; the bound only leaves room for a slow machine.
        assertTrue(millis < 1000, "close() took " + millis + " ms");
    }
}
