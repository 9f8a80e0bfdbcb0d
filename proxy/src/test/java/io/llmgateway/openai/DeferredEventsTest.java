package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.tokens.TokenEstimator;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeferredEventsTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    private static boolean add(DeferredEvents d, String name, String data) {
        byte[] n = (name + "#").getBytes(UTF_8); // only the first nameLen / dataLen bytes count
        byte[] b = (data + "#").getBytes(UTF_8);
        return d.add(n, n.length - 1, b, b.length - 1);
    }

    private static StreamEventReader capturing() {
        StreamEventReader r = new StreamEventReader(ESTIMATOR, null);
        r.captureText(1 << 20);
        return r;
    }

    @Test
    void drainTo_readsTheEventsInOrderWithTheirNames_once() {
        DeferredEvents d = new DeferredEvents();
        assertTrue(add(d, "", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}"));
        assertTrue(add(d, "response.output_text.delta", "{\"delta\":\"b\"}"));
        assertTrue(add(d, "", "{\"delta\":\"not counted: no type, no name\"}"));
        assertTrue(add(d, "", "{\"choices\":[{\"delta\":{\"content\":\"c\"}}]}"));
        StreamEventReader r = capturing();
        d.drainTo(r);
        assertEquals("abc", r.capturedText());
        d.drainTo(r);
        assertEquals("abc", r.capturedText(), "drained events are forgotten");
        d.release();
    }

    @Test
    void add_refusedPastTheBound_acceptedAgainAfterADrain() {
        DeferredEvents d = new DeferredEvents();
        String event = "{\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(1000) + "\"}}]}";
        int added = 0;
        while (add(d, "", event)) {
            added++;
        }
        int record = 8 + event.length();
        assertEquals(DeferredEvents.MAX_BYTES / record, added);
        StreamEventReader r = capturing();
        d.drainTo(r);
        assertEquals("x".repeat(1000 * added), r.capturedText());
        assertTrue(add(d, "", event));
        assertFalse(add(d, "", "y".repeat(DeferredEvents.MAX_BYTES)), "one event over the bound");
        d.release();
    }

    @Test
    void release_forgetsTheEvents_andTheNextOneStartsEmpty() {
        DeferredEvents d = new DeferredEvents();
        add(d, "", "{\"choices\":[{\"delta\":{\"content\":\"gone\"}}]}");
        d.release();
        d.release();
        StreamEventReader r = capturing();
        d.drainTo(r);
        assertEquals("", r.capturedText());
        assertFalse(add(d, "", "{}"), "nothing is kept after release");

        DeferredEvents next = new DeferredEvents(); // takes the released array
        add(next, "", "{\"choices\":[{\"delta\":{\"content\":\"new\"}}]}");
        next.drainTo(r);
        assertEquals("new", r.capturedText());
        next.release();
    }
}
