package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.route.StoreStatus;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RedisExtension;
import io.llmgateway.testing.TestJson;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9: two gateway instances behind one (imaginary) load balancer share one provider's limits and
 * health through a real redis-server, over loopback.
 */
class ClusterEndToEndTest {
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    private MockUpstream upstream;
    private final List<TestGateway> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        upstream = MockUpstream.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(TestGateway::close);
        if (upstream != null) {
            upstream.close();
        }
    }

    private TestGateway gateway(String limits, String storeOptions) throws Exception {
        TestGateway g = TestGateway.start("""
                limits_store: %s
                %s
                api_provider:
                  mock:
                    base_url: %s
                    limits: %s
                model_config:
                  gpt-4o:
                    mock: {}
                """.formatted(redis.uri(), storeOptions, upstream.baseUrl(), limits));
        gateways.add(g);
        return g;
    }

    private static CompletableFuture<HttpResponse<String>> post(TestGateway g) {
        return g.http()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                                .timeout(Duration.ofSeconds(20))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code n} requests at once, alternating over the gateways; returns how many got 200. */
    private static int burst(int n, TestGateway... gs) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(post(gs[i % gs.length]));
        }
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(
                        r.headers().firstValue("retry-after").isPresent(),
                        r.headers().toString());
                assertTrue(r.body().contains("\"code\":\"rate_limit_exceeded\""), r.body());
            }
        }
        return ok;
    }

    /** Sends {@code n} requests one after the other to {@code g}; returns how many got 200. */
    private static int sequential(int n, TestGateway g) throws Exception {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
            }
        }
        return ok;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition, Duration.ofSeconds(15));
    }

    private long sharedSum(String key) throws Exception {
        String reply = redis.server()
                .command("EVAL \"local t = 0 for _, v in ipairs(redis.call('HVALS', KEYS[1])) do "
                        + "t = t + tonumber(v) end return t\" 1 " + key);
        return Long.parseLong(reply.substring(1));
    }

    private static StoreStatus.Mode mode(TestGateway g) {
        return g.gateway().router().storeStatus().mode();
    }

    @Test
    void fortyParallelRequestsOverTwoInstances_exactlyTheRpmSucceed_andARestartAdmitsNoneExtra() throws Exception {
        // A generous timeout: this test is about exactness, not about a slow machine falling back.
        TestGateway a = gateway("{rpm: 10}", "limits_store_timeout: 2s");
        TestGateway b = gateway("{rpm: 10}", "limits_store_timeout: 2s");
        assertEquals(StoreStatus.Mode.SHARED, mode(a));
        assertEquals(StoreStatus.Mode.SHARED, mode(b));

        assertEquals(10, burst(40, a, b));
        assertEquals(10, upstream.requests().size());

        // One instance restarts in the middle of the window: the window lives on in Redis.
        gateways.remove(b);
        b.close();
        TestGateway restarted = gateway("{rpm: 10}", "limits_store_timeout: 2s");
        assertEquals(0, burst(10, a, restarted));
        assertEquals(10, upstream.requests().size());
        assertEquals(StoreStatus.Mode.SHARED, mode(a));
        assertEquals(StoreStatus.Mode.SHARED, mode(restarted));
    }

    @Test
    void redisKilledMidTest_servedUnderTheFallbackShare_thenSharedAgain() throws Exception {
        String options = "limits_store_timeout: 200ms\nlimits_store_fallback_share: 0.5";
        TestGateway a = gateway("{rpm: 20}", options);
        TestGateway b = gateway("{rpm: 20}", options);
        assertEquals(4, burst(4, a, b));

        redis.server().kill();
        // Each may now use half of 20 alone; a already spent 2 of it in this window.
        assertEquals(8, sequential(12, a));
        assertEquals(StoreStatus.Mode.FALLBACK, mode(a));
        assertOperatorsSee(a, "fallback");
        await("b falls back too", () -> mode(b) == StoreStatus.Mode.FALLBACK);
        assertEquals(3, sequential(3, b));
        assertEquals(15, upstream.requests().size());

        redis.server().start(); // empty, like a restart without persistence
        await("both share again", () -> mode(a) == StoreStatus.Mode.SHARED && mode(b) == StoreStatus.Mode.SHARED);
        assertOperatorsSee(b, "shared");
        // Each instance put back what it counted in this window: 10 + 5 of 20.
        assertEquals(15, sharedSum("llmgw:mock:rpm"));
        assertEquals(5, burst(10, a, b));
        assertEquals(20, upstream.requests().size());
    }

    /** The admin page's status API and /metrics both say where the counters live. */
    private static void assertOperatorsSee(TestGateway g, String mode) throws Exception {
        Object status = TestJson.parse(g.get("/api/status").body());
        assertEquals(mode, TestJson.at(status, "counters", "mode"));
        String metrics = g.get("/metrics").body();
        assertTrue(metrics.contains("llm_gateway_limits_store_mode{mode=\"" + mode + "\"} 1.0"), metrics);
    }

    @Test
    void settlementsFromBothInstances_addUpInTheSharedTpmWindow() throws Exception {
        TestGateway a = gateway("{rpm: 100, tpm: 100000}", "limits_store_timeout: 2s");
        TestGateway b = gateway("{rpm: 100, tpm: 100000}", "limits_store_timeout: 2s");
        long expected = 0;
        for (int i = 0; i < 8; i++) {
            upstream.enqueue(Behaviour.chatCompletion("answer " + i, 11 + i, 3 * i));
            expected += 11 + i + 3 * i;
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(
                    200, (i % 2 == 0 ? a : b).post("/v1/chat/completions", CHAT).statusCode());
        }
        long want = expected;
        await("the shared tpm window holds the real usage " + want, () -> {
            try {
                return sharedSum("llmgw:mock:tpm") == want;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(8, sharedSum("llmgw:mock:rpm"));
        await(
                "each instance shows the shared counts",
                () -> a.gateway().router().snapshot().get(0).tpm() == want
                        && b.gateway().router().snapshot().get(0).rpm() == 8);
    }

    @Test
    void providerRateLimitWithRetryAfter_onOneInstance_skipsItOnTheOther() throws Exception {
        TestGateway a = gateway("{rpm: 100}", "limits_store_timeout: 2s");
        TestGateway b = gateway("{rpm: 100}", "limits_store_timeout: 2s");
        upstream.enqueue(Behaviour.rateLimited(30));
        HttpResponse<String> limited = a.post("/v1/chat/completions", CHAT);
        assertEquals(429, limited.statusCode());
        await(
                "b sees the provider cooling down",
                () -> b.gateway().router().snapshot().get(0).retryInMillis() > 25_000);
        HttpResponse<String> r = b.post("/v1/chat/completions", CHAT);
        assertEquals(429, r.statusCode(), r.body());
        assertTrue(r.body().contains("circuit open"), r.body());
        assertEquals(1, upstream.requests().size());

        b.gateway().router().reset(); // the admin's reset button, on any instance
        await(
                "a forgets the cooldown",
                () -> a.gateway().router().snapshot().get(0).retryInMillis() == 0);
        assertEquals(200, a.post("/v1/chat/completions", CHAT).statusCode());
    }

    @Test
    void slowRedis_requestsAreServedLocallyAfterTheTimeout_thenSharedAgain() throws Exception {
        TestGateway a = gateway("{rpm: 100, tpm: 100000}", "limits_store_timeout: 100ms");
        assertEquals(200, a.post("/v1/chat/completions", CHAT).statusCode());
        redis.server().stall(1500);
        long start = System.nanoTime();
        assertEquals(200, a.post("/v1/chat/completions", CHAT).statusCode());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 1000, "waited " + millis + " ms for a sleeping Redis");
        StoreStatus status = a.gateway().router().storeStatus();
        assertEquals(StoreStatus.Mode.FALLBACK, status.mode());
        assertTrue(status.detail().contains("timed out"), status.detail());
        assertEquals(200, a.post("/v1/chat/completions", CHAT).statusCode()); // no wait at all now
        await("a shares again once Redis wakes up", () -> mode(a) == StoreStatus.Mode.SHARED);
        // The request served locally was added; the one Redis reserved late counts too (the safe side).
        long rpm = sharedSum("llmgw:mock:rpm");
        assertTrue(rpm >= 3 && rpm <= 4, "shared rpm " + rpm);
    }

    @Test
    void clientGoneWhileRedisDecides_reservationGivenBack_nothingSent() throws Exception {
        TestGateway a = gateway("{rpm: 100, tpm: 100000}", "limits_store_timeout: 3s");
        redis.server().stall(800);
        byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", a.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await("the gateway waits for Redis", () -> a.gateway().inFlight() == 1);
        }
        await("the reservation is given back", () -> {
            try {
                return sharedSum("llmgw:mock:rpm") == 1 && sharedSum("llmgw:mock:tpm") == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(0, upstream.requests().size());
        assertEquals(StoreStatus.Mode.SHARED, mode(a));
        assertEquals(200, a.post("/v1/chat/completions", CHAT).statusCode());
    }
}
