package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.observe.RequestStats;
import io.llmgateway.observe.TrafficSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final SeqRing<AdminError> errors = new SeqRing<>(10);
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(now.get()));
    private final RequestStats requests = new RequestStats(TrafficStatsTest::config, clock);
    private final TrafficStats stats = new TrafficStats(requests, now::get, errors);

    private static GatewayConfig config() {
        try {
            return ConfigLoader.parse(
                    "api_provider: {acme: {base_url: \"http://127.0.0.1:1/v1\"}}\n" + "model_config: {m: {acme: {}}}\n",
                    Map.of());
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** What the gateway does with a finished request: counted on its event loop, drained to the admin thread. */
    private void add(RequestRecord r) {
        requests.onComplete(r);
        stats.add(r);
    }

    private RequestRecord ok(String model, String provider, long millis) {
        return new RequestRecord(
                now.get() - millis,
                "req-" + millis,
                null,
                "/chat/completions",
                model,
                model,
                provider,
                List.of(new AttemptRecord(provider, model, "ok", 200, millis)),
                200,
                false,
                5,
                millis,
                10,
                5,
                15,
                false,
                null,
                null);
    }

    @Test
    void latencyAndErrorRate_perProviderAndRoute() {
        for (int i = 1; i <= 100; i++) {
            add(ok("gpt-4o", "acme", i));
        }
        add(new RequestRecord(
                now.get() - 30,
                "r-fail",
                null,
                "/chat/completions",
                "gpt-4o",
                null,
                "acme",
                List.of(new AttemptRecord("acme", "gpt-4o", "server_error", 500, 30)),
                502,
                false,
                30,
                30,
                0,
                0,
                0,
                false,
                "upstream_error",
                "acme answered 500"));
        TrafficSummary acme = stats.provider("acme");
        assertEquals(101, acme.requests());
        assertEquals(1, acme.errors());
        assertTrue(acme.p50Millis() >= 50 && acme.p50Millis() <= 56, "p50 " + acme.p50Millis());
        assertTrue(acme.p95Millis() >= 95 && acme.p95Millis() <= 105, "p95 " + acme.p95Millis());
        assertEquals(101, stats.route("gpt-4o", "acme").requests());
        assertEquals(0, stats.route("gpt-4o", "beta").requests());
        assertEquals(-1, stats.provider("beta").p50Millis());

        List<SeqRing.Entry<AdminError>> e = errors.newerThan(0, 10);
        assertEquals(1, e.size());
        assertEquals("acme answered 500", e.get(0).item().message());
        assertEquals("request", e.get(0).item().source());
        assertEquals("r-fail", e.get(0).item().requestId());
    }

    @Test
    void failover_countsTheFailedAttemptAgainstItsProvider_andLogsIt() {
        add(new RequestRecord(
                now.get() - 100,
                "r1",
                null,
                "/chat/completions",
                "gpt-4o",
                "gpt-4o",
                "beta",
                List.of(
                        new AttemptRecord("acme", "gpt-4o", "timeout", 0, 60),
                        new AttemptRecord("beta", "gpt-4o", "ok", 200, 40)),
                200,
                false,
                100,
                100,
                1,
                1,
                2,
                false,
                null,
                null));
        assertEquals(1, stats.provider("acme").errors());
        assertEquals(0, stats.provider("beta").errors());
        assertEquals(0, stats.overall().errors(), "the client got its answer");
        AdminError e = errors.newerThan(0, 10).get(0).item();
        assertEquals("failover", e.type());
        assertEquals("acme: timeout (60 ms) -> beta: ok 200 (40 ms)", e.message());
    }

    @Test
    void cancelledAttempts_countNeither() {
        add(new RequestRecord(
                now.get() - 10,
                "r1",
                null,
                "/chat/completions",
                "m",
                null,
                "acme",
                List.of(new AttemptRecord("acme", "m", "cancelled", 0, 10)),
                0,
                true,
                -1,
                10,
                0,
                0,
                0,
                false,
                null,
                null));
        assertEquals(0, stats.provider("acme").requests());
        assertEquals(1, stats.overall().requests());
    }

    @Test
    void window_forgetsWhatIsOlderThanFiveMinutes() {
        add(ok("m", "acme", 10));
        now.addAndGet(RequestStats.RECENT_WINDOW_MILLIS + RequestStats.RECENT_BUCKET_MILLIS);
        assertEquals(0, stats.provider("acme").requests());
        add(ok("m", "acme", 10));
        assertEquals(1, stats.provider("acme").requests());
    }

    @Test
    void perSecond_countsByEndSecond_lastSlotIsNow() {
        add(ok("m", "acme", 10));
        add(ok("m", "acme", 20));
        now.addAndGet(1000);
        add(ok("m", "acme", 30));
        int[][] s = stats.perSecond();
        assertEquals(TrafficStats.SERIES_SECONDS, s[0].length);
        assertEquals(1, s[0][TrafficStats.SERIES_SECONDS - 1]);
        assertEquals(2, s[0][TrafficStats.SERIES_SECONDS - 2]);
        assertEquals(3, java.util.Arrays.stream(s[0]).sum());
        now.addAndGet(TrafficStats.SERIES_SECONDS * 1000L);
        assertEquals(0, java.util.Arrays.stream(stats.perSecond()[0]).sum());
    }

    @Test
    void recent_newestFirst_since() {
        for (int i = 1; i <= 5; i++) {
            add(ok("m", "acme", i));
        }
        List<SeqRing.Entry<RequestRecord>> all = stats.recent(0, 3);
        assertEquals(List.of(5L, 4L, 3L), all.stream().map(SeqRing.Entry::seq).toList());
        assertEquals(
                List.of(5L),
                stats.recent(4, 10).stream().map(SeqRing.Entry::seq).toList());
        assertEquals(List.of(), stats.recent(5, 10));
        assertNull(errors.newerThan(0, 1).stream().findFirst().orElse(null));
    }
}
