package io.llmgateway.route;

import static io.llmgateway.config.Limits.UNLIMITED;
import static io.llmgateway.route.TestConfigs.disabled;
import static io.llmgateway.route.TestConfigs.route;
import static io.llmgateway.route.TestConfigs.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Strategy;
import io.llmgateway.limit.MutableClock;
import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.Race;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");

    private static Attempt attempt(Admission a) {
        return assertInstanceOf(Attempt.class, a, () -> a.toString());
    }

    private static Denial denial(Admission a) {
        return assertInstanceOf(Denial.class, a, () -> a.toString());
    }

    private static ProviderSnapshot snap(Router r, String name) {
        return r.snapshot().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private Router twoProviders(long acmeRpm, Strategy strategy) {
        return new Router(
                new TestConfigs()
                        .provider("acme", acmeRpm, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta")
                        .model("gpt-4o", strategy, route("acme"), route("beta"))
                        .build(),
                clock);
    }

    @Test
    void admit_priority_firstInConfigOrderUntilFull() {
        Router r = twoProviders(2, Strategy.PRIORITY);
        Attempt a = attempt(r.admit("gpt-4o", 10, Set.of()));
        assertEquals("acme", a.provider());
        assertEquals("acme-alias", a.alias());
        assertEquals("gpt-4o", a.model());
        assertEquals(10, a.reservedTokens());
        assertEquals("acme", attempt(r.admit("gpt-4o", 10, Set.of())).provider());
        assertEquals("beta", attempt(r.admit("gpt-4o", 10, Set.of())).provider());
        clock.advance(Duration.ofSeconds(60));
        assertEquals("acme", attempt(r.admit("gpt-4o", 10, Set.of())).provider());
    }

    @Test
    void admit_tried_skipsProvidersAlreadyTried() {
        Router r = twoProviders(10, Strategy.PRIORITY);
        assertEquals("beta", attempt(r.admit("gpt-4o", 10, Set.of("acme"))).provider());
        Denial d = denial(r.admit("gpt-4o", 10, Set.of("acme", "beta")));
        assertEquals(503, d.status());
        assertEquals(
                "No untried provider left for model 'gpt-4o': acme already tried; beta already tried", d.message());
    }

    @Test
    void admit_estimateAboveTpr_skipsThatProvider() {
        Router r = new Router(
                new TestConfigs()
                        .provider("small", UNLIMITED, UNLIMITED, UNLIMITED, 1000)
                        .provider("big", UNLIMITED, UNLIMITED, UNLIMITED, 8000)
                        .model("m", route("small"), route("big"))
                        .build(),
                clock);
        assertEquals("small", attempt(r.admit("m", 1000, Set.of())).provider());
        assertEquals("big", attempt(r.admit("m", 1001, Set.of())).provider());
        Denial d = denial(r.admit("m", 9000, Set.of()));
        assertEquals(400, d.status());
        assertEquals(0, d.retryAfterSeconds());
        assertEquals(
                "The request to model 'm' needs an estimated 9000 tokens, more than any of its providers"
                        + " accepts per request (largest tpr: 8000)",
                d.message());
    }

    @Test
    void admit_headroom_picksTheEmptierProvider() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 10, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta", 100, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("m", Strategy.HEADROOM, route("acme"), route("beta"))
                        .build(),
                clock);
        // Both empty: tie goes to config order.
        assertEquals("acme", attempt(r.admit("m", 1, Set.of())).provider());
        // acme is at 90 %, beta at 100 %.
        assertEquals("beta", attempt(r.admit("m", 1, Set.of())).provider());
        for (int i = 0; i < 8; i++) {
            r.admit("m", 1, Set.of());
        }
        // beta has had 9 of 100; acme still 1 of 10: beta has more headroom every time.
        ProviderSnapshot acme = snap(r, "acme");
        ProviderSnapshot beta = snap(r, "beta");
        assertEquals(1, acme.rpm());
        assertEquals(9, beta.rpm());
        assertEquals(0.9, acme.headroom(), 1e-9);
        assertEquals(0.91, beta.headroom(), 1e-9);
    }

    @Test
    void admit_headroom_learnedHeadersLowerAProvider() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme")
                        .provider("beta")
                        .model("m", Strategy.HEADROOM, route("acme"), route("beta"))
                        .build(),
                clock);
        Attempt a = attempt(r.admit("m", 1, Set.of()));
        assertEquals("acme", a.provider());
        HttpHeaders h = new DefaultHttpHeaders()
                .set("x-ratelimit-remaining-requests", "10")
                .set("x-ratelimit-limit-requests", "100")
                .set("x-ratelimit-reset-requests", "30s");
        a.observeHeaders(h);
        a.succeeded(null);
        assertEquals(0.1, snap(r, "acme").headroom(), 1e-9);
        assertEquals(10, snap(r, "acme").learnedRemainingRequests());
        assertEquals("beta", attempt(r.admit("m", 1, Set.of())).provider());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(-1, snap(r, "acme").learnedRemainingRequests());
        assertEquals("acme", attempt(r.admit("m", 1, Set.of())).provider());
    }

    @Test
    void admit_learnedRemainingZero_skipsProviderUntilReset() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        Attempt a = attempt(r.admit("gpt-4o", 1, Set.of()));
        a.observeHeaders(Map.of("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s")::get);
        assertEquals("beta", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
        Denial d = denial(r.admit("gpt-4o", 1, Set.of("beta")));
        assertEquals(429, d.status());
        assertEquals(360, d.retryAfterSeconds());
        assertTrue(d.message().contains("acme reports no remaining capacity (resets in 6m)"), d.message());
        clock.advance(Duration.ofMinutes(6));
        assertEquals("acme", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
    }

    @Test
    void admit_weighted_distributionFollowsWeights() {
        Router r = new Router(
                new TestConfigs()
                        .provider("a")
                        .provider("b")
                        .provider("c")
                        .model("m", Strategy.WEIGHTED, weighted("a", 1), weighted("b", 3), weighted("c", 6))
                        .build(),
                clock);
        Map<String, Integer> counts = new HashMap<>();
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            Attempt a = attempt(r.admit("m", 0, Set.of()));
            counts.merge(a.provider(), 1, Integer::sum);
            a.succeeded(null);
        }
        // Expected 2000 / 6000 / 12000; 5 standard deviations at most ~300.
        assertEquals(2_000, counts.get("a"), 300);
        assertEquals(6_000, counts.get("b"), 350);
        assertEquals(12_000, counts.get("c"), 400);
    }

    @Test
    void admit_weighted_skipsUnavailableProviders() {
        Router r = new Router(
                new TestConfigs()
                        .provider("a", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("b")
                        .model("m", Strategy.WEIGHTED, weighted("a", 1000), weighted("b", 1))
                        .build(),
                clock);
        r.admit("m", 0, Set.of("b")); // fills a
        for (int i = 0; i < 50; i++) {
            assertEquals("b", attempt(r.admit("m", 0, Set.of())).provider());
        }
    }

    @Test
    void succeeded_settlesReservationToRealUsage() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", UNLIMITED, 1000, UNLIMITED, UNLIMITED)
                        .model("m", route("acme"))
                        .build(),
                clock);
        Attempt a = attempt(r.admit("m", 400, Set.of()));
        assertEquals(400, snap(r, "acme").tpm());
        a.succeeded(new Usage(100, 50, 150, false));
        assertEquals(150, snap(r, "acme").tpm());
        Attempt b = attempt(r.admit("m", 400, Set.of()));
        b.succeeded(new Usage(300, 500, 800, false));
        assertEquals(950, snap(r, "acme").tpm());
        Denial d = denial(r.admit("m", 100, Set.of()));
        assertEquals(
                "No provider can serve model 'm' right now: acme rate limit reached (tpm 950/1000, frees in 1m)",
                d.message());
        assertEquals(60, d.retryAfterSeconds());
    }

    @Test
    void failed_releasesTokensButCountsRequest() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 10, 1000, 100, UNLIMITED)
                        .model("m", route("acme"))
                        .build(),
                clock);
        Attempt a = attempt(r.admit("m", 400, Set.of()));
        assertTrue(a.failed(Failure.SERVER_ERROR, 0));
        ProviderSnapshot s = snap(r, "acme");
        assertEquals(0, s.tpm());
        assertEquals(1, s.rpm());
        assertEquals(1, s.rpd());
    }

    @Test
    void terminalCalls_secondOneIgnored() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", UNLIMITED, 1000, UNLIMITED, UNLIMITED)
                        .model("m", route("acme"))
                        .build(),
                clock);
        Attempt a = attempt(r.admit("m", 400, Set.of()));
        assertTrue(a.cancelled(30));
        assertFalse(a.failed(Failure.CONNECT, 0));
        assertFalse(a.succeeded(new Usage(1, 1, 999, false)));
        assertTrue(a.isDone());
        assertEquals(30, snap(r, "acme").tpm());
        assertEquals(0, snap(r, "acme").consecutiveFailures());
    }

    @Test
    void failed_thresholdReached_opensCircuitAndNamesIt() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        for (int i = 0; i < 3; i++) {
            Attempt a = attempt(r.admit("gpt-4o", 1, Set.of()));
            assertEquals("acme", a.provider());
            a.failed(Failure.TIMEOUT, 0);
        }
        assertEquals(CircuitState.OPEN, snap(r, "acme").circuit());
        assertEquals("beta", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
        clock.advance(Duration.ofSeconds(1));
        Denial d = denial(r.admit("gpt-4o", 1, Set.of("beta")));
        assertEquals(429, d.status());
        assertEquals(4, d.retryAfterSeconds());
        assertEquals(
                "No provider can serve model 'gpt-4o' right now: acme circuit open (retry in 4s); "
                        + "beta already tried",
                d.message());
        clock.advance(Duration.ofSeconds(4));
        Attempt trial = attempt(r.admit("gpt-4o", 1, Set.of()));
        assertEquals("acme", trial.provider());
        assertTrue(trial.isTrial());
        assertEquals("beta", attempt(r.admit("gpt-4o", 1, Set.of())).provider()); // one trial only
        trial.succeeded(null);
        assertEquals(CircuitState.CLOSED, snap(r, "acme").circuit());
        assertEquals("acme", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
    }

    @Test
    void failed_rateLimitedWithRetryAfter_opensImmediately() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        attempt(r.admit("gpt-4o", 1, Set.of())).failed(Failure.RATE_LIMITED, 20_000);
        ProviderSnapshot s = snap(r, "acme");
        assertEquals(CircuitState.OPEN, s.circuit());
        assertEquals(20_000, s.retryInMillis());
        assertEquals("beta", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
    }

    @Test
    void failed_auth_marksKeyRejected() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        attempt(r.admit("gpt-4o", 1, Set.of())).failed(Failure.AUTH, 0);
        assertTrue(snap(r, "acme").keyRejected());
        Denial d = denial(r.admit("gpt-4o", 1, Set.of("beta")));
        assertEquals(1800, d.retryAfterSeconds());
        assertTrue(d.message().contains("acme key rejected (retry in 30m)"), d.message());
        assertFalse(d.message().contains("sk-secret"), d.message());
    }

    @Test
    void failed_localOverloadOrClientError_noPenalty() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        for (int i = 0; i < 10; i++) {
            Attempt a = attempt(r.admit("gpt-4o", 1, Set.of()));
            assertEquals("acme", a.provider());
            a.failed(i % 2 == 0 ? Failure.LOCAL_OVERLOAD : Failure.CLIENT_ERROR, 0);
        }
        ProviderSnapshot s = snap(r, "acme");
        assertEquals(CircuitState.CLOSED, s.circuit());
        assertEquals(0, s.consecutiveFailures());
    }

    @Test
    void admit_trialRefusedByCounters_givesTrialBack() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 3, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("m", route("acme"))
                        .build(),
                clock);
        for (int i = 0; i < 3; i++) {
            attempt(r.admit("m", 1, Set.of())).failed(Failure.CONNECT, 0);
        }
        clock.advance(Duration.ofSeconds(5)); // cooldown over but rpm still full
        Denial d = denial(r.admit("m", 1, Set.of()));
        assertEquals(
                "No provider can serve model 'm' right now: acme rate limit reached (rpm 3/3, frees in 55s)",
                d.message());
        assertEquals(55, d.retryAfterSeconds());
        clock.advance(Duration.ofSeconds(55));
        assertTrue(attempt(r.admit("m", 1, Set.of())).isTrial());
    }

    @Test
    void admit_nothingAvailable_messageNamesEveryProviderAndEarliestRetry() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 60, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta")
                        .provider("gamma")
                        .model("gpt-4o", route("acme"), route("beta"), disabled("gamma"))
                        .build(),
                clock);
        for (int i = 0; i < 60; i++) {
            attempt(r.admit("gpt-4o", 1, Set.of("beta")));
        }
        clock.advance(Duration.ofSeconds(48));
        attempt(r.admit("gpt-4o", 1, Set.of())).failed(Failure.RATE_LIMITED, 4_000);
        Denial d = denial(r.admit("gpt-4o", 1, Set.of()));
        assertEquals(429, d.status());
        assertEquals(
                "No provider can serve model 'gpt-4o' right now: acme rate limit reached (rpm 60/60, frees in 12s);"
                        + " beta circuit open (retry in 4s); gamma disabled",
                d.message());
        assertEquals(4, d.retryAfterSeconds());
    }

    @Test
    void admit_retryAfter_roundsUpToWholeSeconds() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        attempt(r.admit("gpt-4o", 1, Set.of())).failed(Failure.RATE_LIMITED, 1_200);
        assertEquals(2, denial(r.admit("gpt-4o", 1, Set.of("beta"))).retryAfterSeconds());
        clock.advance(Duration.ofMillis(1_150));
        assertEquals(1, denial(r.admit("gpt-4o", 1, Set.of("beta"))).retryAfterSeconds());
    }

    @Test
    void admit_allDisabled_503NamingThem() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme")
                        .provider("beta")
                        .model("m", disabled("acme"), disabled("beta"))
                        .build(),
                clock);
        Denial d = denial(r.admit("m", 1, Set.of()));
        assertEquals(503, d.status());
        assertEquals("Model 'm' has no enabled provider: acme disabled; beta disabled", d.message());
    }

    @Test
    void admit_unknownModel_404() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        assertFalse(r.servesModel("nope"));
        assertTrue(r.servesModel("auto"));
        assertTrue(r.servesModel("gpt-4o"));
        assertEquals(404, denial(r.admit("nope", 1, Set.of())).status());
        assertThrows(IllegalArgumentException.class, () -> r.admit("gpt-4o", -1, Set.of()));
    }

    @Test
    void admit_auto_fallsThroughToNextModel() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("first", route("acme"))
                        .model("second", route("beta"))
                        .auto("first", "second")
                        .build(),
                clock);
        Attempt a = attempt(r.admit("auto", 1, Set.of()));
        assertEquals("first", a.model());
        Attempt b = attempt(r.admit("auto", 1, Set.of()));
        assertEquals("second", b.model());
        assertEquals("beta", b.provider());
        Denial d = denial(r.admit("auto", 1, Set.of()));
        assertEquals(429, d.status());
        assertEquals(60, d.retryAfterSeconds());
        assertTrue(d.message().contains("model 'first'") && d.message().contains("model 'second'"), d.message());
    }

    @Test
    void reset_allOrOne_clearsCountersAndCircuits() {
        Router r = twoProviders(1, Strategy.PRIORITY);
        attempt(r.admit("gpt-4o", 1, Set.of()));
        attempt(r.admit("gpt-4o", 1, Set.of())).failed(Failure.AUTH, 0);
        assertTrue(r.reset("beta"));
        assertEquals(CircuitState.CLOSED, snap(r, "beta").circuit());
        assertEquals(1, snap(r, "acme").rpm());
        assertFalse(r.reset("nope"));
        r.reset();
        assertEquals(0, snap(r, "acme").rpm());
        assertEquals(0, snap(r, "beta").rpm());
        assertEquals("acme", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
    }

    @Test
    void reconfigure_keepsCountsOfSurvivingProvidersAndAppliesNewLimits() {
        Router r = twoProviders(10, Strategy.PRIORITY);
        for (int i = 0; i < 5; i++) {
            attempt(r.admit("gpt-4o", 1, Set.of()));
        }
        Attempt inFlight = attempt(r.admit("gpt-4o", 100, Set.of()));
        GatewayConfig next = new TestConfigs()
                .provider("acme", 6, UNLIMITED, UNLIMITED, UNLIMITED)
                .provider("delta")
                .model("gpt-4o", route("acme"), route("delta"))
                .build();
        r.reconfigure(next);
        assertEquals(
                List.of("acme", "delta"),
                r.snapshot().stream().map(ProviderSnapshot::name).toList());
        ProviderSnapshot acme = snap(r, "acme");
        assertEquals(6, acme.rpm());
        assertEquals(6, acme.rpmLimit());
        assertEquals("delta", attempt(r.admit("gpt-4o", 1, Set.of())).provider());
        inFlight.succeeded(new Usage(1, 1, 2, false)); // settles against the kept state
        assertEquals(7, snap(r, "acme").tpm());
        assertEquals(next, r.config());
    }

    @Test
    void snapshot_reportsCountsLimitsAndCircuit() {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 60, 10_000, 1_000, 4_000)
                        .model("m", route("acme"))
                        .build(),
                clock);
        attempt(r.admit("m", 3_000, Set.of()));
        ProviderSnapshot s = snap(r, "acme");
        assertEquals(
                new ProviderSnapshot(
                        "acme",
                        1,
                        60,
                        3_000,
                        10_000,
                        1,
                        1_000,
                        4_000,
                        CircuitState.CLOSED,
                        false,
                        0,
                        0,
                        -1,
                        -1,
                        -1,
                        -1,
                        0.7),
                s);
    }

    @Test
    void attempt_toString_hidesKey() {
        Router r = twoProviders(UNLIMITED, Strategy.PRIORITY);
        Attempt a = attempt(r.admit("gpt-4o", 1, Set.of()));
        assertFalse(a.toString().contains("sk-secret"), a.toString());
        assertFalse(a.providerConfig().toString().contains("sk-secret"));
        assertEquals("sk-secret-acme", a.providerConfig().apiKey());
    }

    /** 64 threads race through the router for two providers of rpm 100 each: exactly 200 admitted. */
    @RepeatedTest(20)
    void admit_64ThreadsRacing_admitsExactlyTheSumOfLimits() throws Exception {
        Router r = new Router(
                new TestConfigs()
                        .provider("acme", 100, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta", 100, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("m", route("acme"), route("beta"))
                        .build(),
                clock);
        Map<String, AtomicInteger> admitted = new ConcurrentHashMap<>();
        Race.run(64, 10, () -> {
            if (r.admit("m", 5, Set.of()) instanceof Attempt a) {
                admitted.computeIfAbsent(a.provider(), k -> new AtomicInteger()).incrementAndGet();
            }
            return 0;
        });
        assertEquals(100, admitted.get("acme").get());
        assertEquals(100, admitted.get("beta").get());
        assertEquals(100, snap(r, "acme").rpm());
    }
}
