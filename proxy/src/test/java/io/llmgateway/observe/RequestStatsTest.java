package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.MutableClock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RequestStatsTest {
    private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
    private final GatewayConfig config = config();
    private final RequestStats stats = new RequestStats(() -> config, clock);

    private static GatewayConfig config() {
        try {
            return ConfigLoader.parse("""
                    api_provider:
                      a: {base_url: "http://127.0.0.1:1/v1"}
                    model_config:
                      m: {a: {}}
                    """, Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private RequestRecord record(boolean failed) {
        return new RequestRecord(
                clock.millis() - 5,
                "id",
                null,
                "/chat/completions",
                "m",
                "m",
                "a",
                List.of(new AttemptRecord("a", "m", failed ? "server_error" : "ok", failed ? 500 : 200, 5)),
                failed ? 502 : 200,
                false,
                1,
                5,
                2,
                1,
                3,
                false,
                failed ? "upstream_error" : null,
                null);
    }

    @Test
    void onComplete_fromSeveralThreadsWhileReading_everyViewCountsEachRecordOnce() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> readProblem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            int last = 0;
            while (writing.get()) {
                TrafficSummary s = stats.provider("a", clock.millis());
                if (s.requests() < last || s.requests() > 4000 || s.errors() > s.requests()) {
                    readProblem.compareAndSet(null, last + " then " + s);
                }
                last = s.requests();
            }
        });
        reader.start();
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    stats.onComplete(record(i % 10 == 0));
                }
            });
            writers[t].start();
        }
        for (Thread t : writers) {
            t.join();
        }
        writing.set(false);
        reader.join();

        assertEquals(null, readProblem.get());
        TrafficSummary a = stats.provider("a", clock.millis());
        assertEquals(4000, a.requests());
        assertEquals(400, a.errors());
        assertEquals(new TrafficSummary(4000, 400, 5, 5), stats.overall(clock.millis()));
        assertEquals(4000, stats.route("m", "a", clock.millis()).requests());
        assertEquals(4000, stats.totalRequests());
        assertEquals(400, stats.totalErrors());
        int[][] perSecond = stats.perSecond(clock.millis());
        assertEquals(4000, perSecond[0][RequestStats.SERIES_SECONDS - 1]);
        assertEquals(400, perSecond[1][RequestStats.SERIES_SECONDS - 1]);
        UsageStats usage = new UsageStats(stats);
        assertEquals(new UsageStats.Counts(4000, 12_000, 400), usage.modelTotal("m"));
        assertEquals(new UsageStats.Counts(4000, 12_000, 400), usage.providerTotal("a"));
        assertEquals(new UsageStats.Counts(4000, 12_000, 400), usage.model("m", UsageStats.Window.LAST_MINUTE));
        assertTrue(
                stats.tallies().size() == 2,
                "one tally per label set: " + stats.tallies().keySet().size());
    }
}
