package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.observe.UsageStats.Counts;
import io.llmgateway.observe.UsageStats.Window;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UsageStatsTest {
    private final MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
    private final GatewayConfig config = config();
    private final RequestStats stats = new RequestStats(() -> config, clock);
    private final UsageStats usage = new UsageStats(stats);

    private static GatewayConfig config() {
        try {
            return ConfigLoader.parse("""
                    api_provider:
                      a: {base_url: "http://127.0.0.1:1/v1"}
                      b: {base_url: "http://127.0.0.1:2/v1"}
                    model_config:
                      m: {a: {}, b: {}}
                    """, Map.of());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static RequestRecord record(
            String asked, String used, long tokens, String error, AttemptRecord... attempts) {
        return new RequestRecord(
                0,
                "id",
                null,
                "/chat/completions",
                asked,
                used,
                attempts.length == 0 ? null : attempts[attempts.length - 1].provider(),
                List.of(attempts),
                error == null ? 200 : 500,
                false,
                1,
                2,
                tokens,
                0,
                tokens,
                false,
                error,
                error);
    }

    private static AttemptRecord attempt(String provider, String outcome) {
        return new AttemptRecord(provider, "m", outcome, 200, 1);
    }

    @Test
    void onComplete_countsModelsAndProviders_perWindowAndTotal() {
        stats.onComplete(record("m", "m", 15, null, attempt("a", "ok")));
        stats.onComplete(record("m", "m", 20, null, attempt("a", "server_error"), attempt("b", "ok")));
        stats.onComplete(record("m", null, 0, "rate_limit_error"));

        assertEquals(new Counts(3, 35, 1), usage.model("m", Window.LAST_MINUTE));
        assertEquals(new Counts(2, 15, 1), usage.provider("a", Window.LAST_MINUTE), "the failed attempt is a's error");
        assertEquals(new Counts(1, 20, 0), usage.provider("b", Window.LAST_HOUR), "tokens go to who answered");
        assertEquals(new Counts(3, 35, 1), usage.modelTotal("m"));
    }

    @Test
    void onComplete_fromSeveralThreads_countsAreTheSumOfAll() throws InterruptedException {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    stats.onComplete(record("m", "m", 3, null, attempt("a", "ok")));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        stats.onComplete(record("m", "m", 1, null, attempt("b", "ok")));

        assertEquals(new Counts(4001, 12_001, 0), usage.model("m", Window.LAST_MINUTE));
        assertEquals(new Counts(4000, 12_000, 0), usage.providerTotal("a"));
        assertEquals(new Counts(1, 1, 0), usage.provider("b", Window.LAST_DAY));
        assertEquals(Set.of("a", "b"), usage.providerNames());
    }

    @Test
    void windows_forgetOldTraffic_totalsDoNot() {
        stats.onComplete(record("m", "m", 10, null, attempt("a", "ok")));
        clock.advance(Duration.ofSeconds(61));
        stats.onComplete(record("m", "m", 5, null, attempt("a", "ok")));

        assertEquals(new Counts(1, 5, 0), usage.model("m", Window.LAST_MINUTE));
        assertEquals(new Counts(2, 15, 0), usage.model("m", Window.LAST_HOUR));
        clock.advance(Duration.ofMinutes(60));
        assertEquals(Counts.ZERO, usage.model("m", Window.LAST_HOUR));
        assertEquals(new Counts(2, 15, 0), usage.model("m", Window.LAST_DAY));
        clock.advance(Duration.ofHours(24));
        assertEquals(Counts.ZERO, usage.model("m", Window.LAST_DAY));
        assertEquals(new Counts(2, 15, 0), usage.modelTotal("m"));
    }

    @Test
    void unknownModelNames_areCountedAsOther() {
        stats.onComplete(record("nope-1", null, 0, "not_found_error"));
        stats.onComplete(record("nope-2", null, 0, "not_found_error"));

        assertEquals(Set.of("other"), usage.modelNames());
        assertEquals(new Counts(2, 0, 2), usage.modelTotal("other"));
    }

    @Test
    void auto_isCountedUnderTheModelThatAnswered() {
        stats.onComplete(record("auto", "m", 7, null, attempt("a", "ok")));

        assertEquals(new Counts(1, 7, 0), usage.modelTotal("m"));
        assertEquals(Counts.ZERO, usage.modelTotal("auto"));
    }
}
