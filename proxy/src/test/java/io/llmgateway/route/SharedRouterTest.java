package io.llmgateway.route;

import static io.llmgateway.config.Limits.UNLIMITED;
import static io.llmgateway.route.TestConfigs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.LimitsStoreSettings;
import io.llmgateway.config.Strategy;
import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.RedisExtension;
import io.llmgateway.testing.RedisServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several routers (as in several gateway instances) sharing limits and health through a real redis-server. */
class SharedRouterTest {
    private final Clock clock = Clock.systemUTC();
    private final List<Router> routers = new ArrayList<>();

    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @AfterEach
    void stop() throws Exception {
        routers.forEach(Router::close);
    }

    private GatewayConfig config(TestConfigs c, Duration timeout, double share) {
        return c.build().withLimitsStore(new LimitsStoreSettings(URI.create(redis.uri()), timeout, share));
    }

    private GatewayConfig rpm(long rpm) {
        return config(
                new TestConfigs()
                        .provider("acme", rpm, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("gpt-4o", route("acme")),
                Duration.ofSeconds(2),
                0.5);
    }

    private Router router(GatewayConfig config) {
        Router r = new Router(config, clock);
        routers.add(r);
        return r;
    }

    private static Admission decide(Router r, String model, long tokens) {
        return r.admitAsync(model, tokens, Set.of())
                .toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    private static long sum(RedisServer server, String key) throws Exception {
        // HVALS through the inline protocol prints one line per value; sum them with a tiny Lua instead.
        String reply = server.command("EVAL \"local t = 0 for _, v in ipairs(redis.call('HVALS', KEYS[1])) do "
                + "t = t + tonumber(v) end return t\" 1 " + key);
        return Long.parseLong(reply.substring(1));
    }

    @Test
    void storeStatus_sharedOnceConnected_memoryWithout() {
        Router shared = router(rpm(10));
        assertEquals(StoreStatus.Mode.SHARED, shared.storeStatus().mode());
        assertEquals(
                "redis://127.0.0.1:" + redis.server().port() + "/0",
                shared.storeStatus().location());
        assertEquals("shared", shared.storeStatus().mode().label());
        Router memory = router(new TestConfigs()
                .provider("acme")
                .model("gpt-4o", route("acme"))
                .build());
        assertEquals(StoreStatus.Mode.MEMORY, memory.storeStatus().mode());
        assertInstanceOf(Attempt.class, memory.admit("gpt-4o", 1, Set.of()));
        assertInstanceOf(PendingAdmission.class, shared.admit("gpt-4o", 1, Set.of()));
    }

    @Test
    void admit_twoInstancesRacing_admitExactlyTheLimitBetweenThem() {
        Router a = router(rpm(10));
        Router b = router(rpm(10));
        List<CompletableFuture<Admission>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Router r = i % 2 == 0 ? a : b;
            all.add(CompletableFuture.supplyAsync(() -> decide(r, "gpt-4o", 10)));
        }
        long admitted = all.stream()
                .map(CompletableFuture::join)
                .filter(x -> x instanceof Attempt)
                .count();
        assertEquals(10, admitted);
        Denial d = assertInstanceOf(Denial.class, decide(b, "gpt-4o", 10));
        assertEquals(429, d.status());
        assertTrue(
                d.message().contains("acme rate limit reached (rpm 10/10 across all instances, frees in"), d.message());
        assertTrue(d.retryAfterSeconds() >= 1 && d.retryAfterSeconds() <= 60, d.toString());
    }

    @Test
    void admit_instanceStartedMidWindow_admitsNoneExtra() {
        Router a = router(rpm(3));
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        }
        a.close();
        Router restarted = router(rpm(3));
        assertInstanceOf(Denial.class, decide(restarted, "gpt-4o", 1));
    }

    @Test
    void admit_firstProviderFullEverywhere_nextOneInTheSameRoundTrip() {
        GatewayConfig config = config(
                new TestConfigs()
                        .provider("acme", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta")
                        .model("gpt-4o", Strategy.PRIORITY, route("acme"), route("beta")),
                Duration.ofSeconds(2),
                0.5);
        Router a = router(config);
        Router b = router(config);
        assertEquals(
                "acme", assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1)).provider());
        assertEquals(
                "beta", assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 1)).provider());
        assertEquals(
                "beta", assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1)).provider());
    }

    @Test
    void admit_auto_triesEveryModelInOneReservation() {
        GatewayConfig config = config(
                new TestConfigs()
                        .provider("acme", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .provider("beta", 1, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("small", route("acme"))
                        .model("large", route("beta"))
                        .auto("small", "large"),
                Duration.ofSeconds(2),
                0.5);
        Router a = router(config);
        Router b = router(config);
        assertEquals(
                "small", assertInstanceOf(Attempt.class, decide(a, "auto", 1)).model());
        assertEquals(
                "large", assertInstanceOf(Attempt.class, decide(b, "auto", 1)).model());
        Denial d = assertInstanceOf(Denial.class, decide(a, "auto", 1));
        assertEquals(429, d.status());
        assertTrue(d.message().startsWith("No model can serve 'auto' right now."), d.message());
    }

    @Test
    void settle_correctionsFromBothInstancesAddUpExactly() throws Exception {
        GatewayConfig config = config(
                new TestConfigs()
                        .provider("acme", UNLIMITED, 100_000, UNLIMITED, UNLIMITED)
                        .model("gpt-4o", route("acme")),
                Duration.ofSeconds(2),
                0.5);
        Router a = router(config);
        Router b = router(config);
        long expected = 0;
        for (int i = 0; i < 10; i++) {
            Attempt at = assertInstanceOf(Attempt.class, decide(i % 2 == 0 ? a : b, "gpt-4o", 500));
            long used = 17 + i;
            at.succeeded(new Usage(used - 5, 5, used, false));
            expected += used;
        }
        Attempt failed = assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 500));
        failed.failed(Failure.SERVER_ERROR, 0); // gives its 500 back
        Attempt cancelled = assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 500));
        cancelled.cancelled(42);
        expected += 42;
        long want = expected;
        await("the shared tpm window holds " + want, () -> {
            try {
                return sum(redis.server(), "llmgw:acme:tpm") == want;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(12, sum(redis.server(), "llmgw:acme:rpm"));
        await("the other instance sees the shared counts", () -> {
            ProviderSnapshot s = b.snapshot().get(0);
            return s.tpm() == want && s.rpm() == 12 && s.tpmLimit() == 100_000;
        });
    }

    @Test
    void circuitOpening_seenByTheOtherInstanceWithinASecond() throws Exception {
        GatewayConfig config = config(
                new TestConfigs().provider("acme").provider("beta").model("gpt-4o", route("acme"), route("beta")),
                Duration.ofSeconds(2),
                0.5);
        Router a = router(config);
        Router b = router(config);
        Attempt at = assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertEquals("acme", at.provider());
        long start = System.nanoTime();
        at.failed(Failure.RATE_LIMITED, 30_000);
        await("b sees acme's circuit open", () -> b.snapshot().get(0).circuit() == CircuitState.OPEN);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 1000, "took " + millis + " ms");
        ProviderSnapshot s = b.snapshot().get(0);
        assertTrue(s.retryInMillis() > 28_000 && s.retryInMillis() <= 30_000, s.toString());
        assertEquals(
                "beta", assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 1)).provider());

        Attempt onBeta = assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 1));
        onBeta.failed(Failure.AUTH, 0);
        await("a sees beta's key rejected", () -> a.snapshot().get(1).keyRejected());
        Denial d = assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));
        assertTrue(d.message().contains("beta key rejected"), d.message());
    }

    @Test
    void reset_clearsSharedCountsAndCircuitsOnEveryInstance() throws Exception {
        Router a = router(rpm(2));
        Router b = router(rpm(2));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        Attempt second = assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 1));
        second.failed(Failure.RATE_LIMITED, 60_000);
        await("a sees the opening", () -> a.snapshot().get(0).circuit() == CircuitState.OPEN);
        assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));

        b.reset();
        await(
                "both instances reset the circuit",
                () -> a.snapshot().get(0).circuit() == CircuitState.CLOSED
                        && b.snapshot().get(0).circuit() == CircuitState.CLOSED);
        Thread.sleep(2 * SharedStore.POLL_MILLIS); // no poll brings the opening back
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Attempt.class, decide(b, "gpt-4o", 1));
        assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));

        assertTrue(a.reset("acme"));
        await("b's windows are empty again", () -> decide(b, "gpt-4o", 1) instanceof Attempt);
    }

    @Test
    void redisKilled_fallsBackToTheShare_thenSharesAgainWhenItReturns() throws Exception {
        GatewayConfig config = config(
                new TestConfigs()
                        .provider("acme", 20, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("gpt-4o", route("acme")),
                Duration.ofMillis(200),
                0.25);
        Router a = router(config);
        Router b = router(config);
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));

        redis.server().kill();
        // a already spent 2 of its fallback share of 5 (20 x 0.25) in this window: 3 more, then none.
        int admitted = 0;
        for (int i = 0; i < 6; i++) {
            if (decide(a, "gpt-4o", 1) instanceof Attempt) {
                admitted++;
            }
        }
        assertEquals(3, admitted);
        StoreStatus status = a.storeStatus();
        assertEquals(StoreStatus.Mode.FALLBACK, status.mode());
        assertFalse(status.detail().isEmpty());
        await("b notices within a poll", () -> b.storeStatus().mode() == StoreStatus.Mode.FALLBACK);
        assertEquals(5, b.snapshot().get(0).rpmLimit()); // fallback limits are shown while in fallback
        int admittedByB = 0;
        for (int i = 0; i < 6; i++) {
            if (decide(b, "gpt-4o", 1) instanceof Attempt) {
                admittedByB++;
            }
        }
        assertEquals(5, admittedByB);

        redis.server().start(); // empty: a real restart without persistence
        await(
                "both share again",
                () -> a.storeStatus().shared() && b.storeStatus().shared());
        // Redis lost everything; each instance put back what it counted in this window: 5 + 5 of 20.
        assertEquals(10, sum(redis.server(), "llmgw:acme:rpm"));
        assertEquals(20, a.snapshot().get(0).rpmLimit());
        int afterwards = 0;
        for (int i = 0; i < 16; i++) {
            if (decide(i % 2 == 0 ? a : b, "gpt-4o", 1) instanceof Attempt) {
                afterwards++;
            }
        }
        assertEquals(10, afterwards);
    }

    @Test
    void redisLosesItsDataWhileShared_instancesPutTheirCountsBack() throws Exception {
        Router a = router(rpm(10));
        Router b = router(rpm(10));
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(Attempt.class, decide(i % 2 == 0 ? a : b, "gpt-4o", 1));
        }
        assertEquals("+OK", redis.server().command("FLUSHALL"));
        await("both instances put their 2 back", () -> {
            try {
                return sum(redis.server(), "llmgw:acme:rpm") == 4;
            } catch (Exception e) {
                return false;
            }
        });
        Thread.sleep(2 * SharedStore.POLL_MILLIS); // and no more than that
        assertEquals(4, sum(redis.server(), "llmgw:acme:rpm"));
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            if (decide(i % 2 == 0 ? a : b, "gpt-4o", 1) instanceof Attempt) {
                admitted++;
            }
        }
        assertEquals(6, admitted);
    }

    @Test
    void redisDownAtStart_countsLocallyThenJoins() throws Exception {
        redis.server().kill();
        Router a = router(rpm(4));
        StoreStatus status = a.storeStatus();
        assertEquals(StoreStatus.Mode.FALLBACK, status.mode());
        assertTrue(status.detail().startsWith("cannot connect"), status.detail());
        assertInstanceOf(Attempt.class, a.admit("gpt-4o", 1, Set.of())); // decided at once, locally
        assertInstanceOf(Attempt.class, a.admit("gpt-4o", 1, Set.of()));
        assertInstanceOf(Denial.class, a.admit("gpt-4o", 1, Set.of())); // 2 = half of 4
        redis.server().start();
        await("a shares once Redis answers", () -> a.storeStatus().shared());
        assertEquals(2, sum(redis.server(), "llmgw:acme:rpm"));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));
    }

    @Test
    void reconfigure_keepsTheStoreAndAppliesNewLimitsAndShare() {
        Router a = router(rpm(1));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));
        a.reconfigure(config(
                new TestConfigs()
                        .provider("acme", 3, UNLIMITED, UNLIMITED, UNLIMITED)
                        .model("gpt-4o", route("acme")),
                Duration.ofSeconds(1),
                1.0 / 3));
        assertEquals(StoreStatus.Mode.SHARED, a.storeStatus().mode());
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Attempt.class, decide(a, "gpt-4o", 1));
        assertInstanceOf(Denial.class, decide(a, "gpt-4o", 1));
    }
}
