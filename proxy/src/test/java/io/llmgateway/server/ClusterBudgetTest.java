package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.route.StoreStatus;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.Budgets;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 27 across instances: two gateways sharing budgets through a real redis-server ({@code limits_store}),
 * over loopback. A request's worst case is its max_tokens at the output price (input costs 0): 1000 tokens at
 * USD 1 per 1M = USD 0.001, and the mock answers with exactly that many tokens.
 */
class ClusterBudgetTest {
    private static final String KEY = "sk-team-a-0123456789";
    private static final String CHAT =
            "{\"model\":\"metered\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final long WORST_CASE = 1_000_000; // nano-dollars

    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    private MockUpstream first;
    private MockUpstream second;
    private final List<TestGateway> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        first = MockUpstream.start();
        second = MockUpstream.start();
        first.setDefault(Behaviour.chatCompletion("ok", 0, 1000)); // costs exactly the worst case
        second.setDefault(Behaviour.chatCompletion("ok", 0, 1000));
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(TestGateway::close);
        for (AutoCloseable c : new AutoCloseable[] {first, second}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private TestGateway gateway(String keyBudget, String firstBudget) throws Exception {
        TestGateway g = TestGateway.start(
                """
                limits_store: %s
                limits_store_timeout: 2s
                limits_store_fallback_share: 1
                routing:
                  time_zone: UTC
                  strategy: priority
                gateway:
                  api_keys:
                    - {name: team-a, key: %s, budget: %s}
                api_provider:
                  first: {base_url: "%s", api_key: sk-1, budget: %s}
                  second: {base_url: "%s", api_key: sk-2}
                model_config:
                  metered:
                    first: {alias: metered-1, price: {input: 0, output: 1.0}}
                    second: {alias: metered-2, price: {input: 0, output: 1.0}}
                """.formatted(redis.uri(), KEY, keyBudget, first.baseUrl(), firstBudget, second.baseUrl()));
        gateways.add(g);
        return g;
    }

    private static CompletableFuture<HttpResponse<String>> post(TestGateway g) {
        return g.http()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                                .timeout(Duration.ofSeconds(30))
                                .header("content-type", "application/json")
                                .header("authorization", "Bearer " + KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static BudgetCounter key(TestGateway g) {
        return g.gateway().budgets().counter(Budgets.Kind.KEY, "team-a");
    }

    @Test
    void keyBudgetWorthTen_fortyRacingOverTwoGateways_exactlyTenServed() throws Exception {
        TestGateway a = gateway("{usd: 0.01, period: month}", "{usd: 100}");
        TestGateway b = gateway("{usd: 0.01, period: month}", "{usd: 100}");
        assertEquals(StoreStatus.Mode.SHARED, a.gateway().router().storeStatus().mode());
        List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            racing.add(post(i % 2 == 0 ? a : b));
        }
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : racing) {
            HttpResponse<String> r = f.join();
            assertTrue(r.headers().firstValue("x-gateway-budget-remaining-usd").isPresent(), r.toString());
            if (r.statusCode() == 200) {
                ok++;
                continue;
            }
            assertEquals(429, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"code\":\"insufficient_quota\""), r.body());
            assertTrue(r.body().contains("client key 'team-a' (0.01 USD per month) is spent"), r.body());
            assertTrue(
                    r.headers().firstValue("retry-after").isPresent(),
                    r.headers().toString());
            refused++;
        }
        assertEquals(10, ok);
        assertEquals(30, refused);
        assertEquals(10, first.requests().size(), "the refused never reach a provider");
        for (TestGateway g : List.of(a, b)) {
            HttpResponse<String> r = post(g).join();
            assertEquals(429, r.statusCode(), r.body());
            assertEquals(
                    "0",
                    r.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());
            assertEquals(10 * WORST_CASE, key(g).spent(), "every instance mirrors the shared figure");
        }
    }

    @Test
    void reset_onOneGateway_reopensTheBudgetOnBoth() throws Exception {
        TestGateway a = gateway("{usd: 0.002, period: day}", "{usd: 100}");
        TestGateway b = gateway("{usd: 0.002, period: day}", "{usd: 100}");
        assertEquals(200, post(a).join().statusCode());
        assertEquals(200, post(b).join().statusCode());
        assertEquals(429, post(a).join().statusCode());
        assertEquals(429, post(b).join().statusCode());
        a.gateway().budgets().reset(Budgets.Kind.KEY, "team-a");
        Await.until("b mirrors the reset", () -> key(b).spent() == 0);
        HttpResponse<String> r = post(b).join();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "0.001",
                r.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());
    }

    @Test
    void redisUnreachable_theLocalCountersDecide_fromTheFigureLastSeen() throws Exception {
        TestGateway a = gateway("{usd: 0.01, period: month}", "{usd: 100}");
        for (int i = 0; i < 4; i++) {
            assertEquals(200, post(a).join().statusCode());
        }
        redis.server().kill();
        Await.until("fallback", () -> a.gateway().router().storeStatus().mode() == StoreStatus.Mode.FALLBACK);
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = post(a).join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"code\":\"insufficient_quota\""), r.body());
            }
        }
        assertEquals(6, ok, "what was left of the shared figure (a share of 1), not a fresh budget");
    }

    @Test
    void providerBudgetSpentAcrossGateways_failsOverToTheNextProvider() throws Exception {
        TestGateway a = gateway("{usd: 1}", "{usd: 0.002, period: day}");
        TestGateway b = gateway("{usd: 1}", "{usd: 0.002, period: day}");
        for (TestGateway g : List.of(a, b, a, b)) {
            HttpResponse<String> r = post(g).join();
            assertEquals(200, r.statusCode(), r.body());
        }
        assertEquals(2, first.requests().size(), "first's budget pays for two requests between both gateways");
        assertEquals(2, second.requests().size());
        assertEquals(
                "0.995",
                post(a).join()
                        .headers()
                        .firstValue("x-gateway-budget-remaining-usd")
                        .orElseThrow());
    }
}
