package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.Budgets;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27: budgets enforced at admission, over real sockets. Prices are chosen so that a request's worst case
 * is exactly its max_tokens at the output price (input costs 0): 1000 tokens at USD 1 per 1M = USD 0.001.
 */
class BudgetEndToEndTest {
    static final String KEY_A = "sk-team-a-0123456789";
    static final String KEY_FREE = "sk-free-0123456789";
    static final String CHAT =
            "{\"model\":\"%s\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\"," + "\"content\":\"hi\"}]}";
    static final long WORST_CASE = 1_000_000; // nano-dollars

    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream first = MockUpstream.start();

    @RegisterExtension
    final MockUpstream second = MockUpstream.start();

    /** A gateway whose key team-a has {@code keyBudget} and whose providers have the given budgets. */
    private String yaml(String keyBudget, String firstBudget, String secondBudget) {
        return """
                routing:
                  time_zone: UTC
                gateway:
                  spend_file: %s
                  api_keys:
                    - {name: team-a, key: %s, budget: %s}
                    - {name: free, key: %s}
                    - {name: strict, key: sk-strict-0123456789, budget: {usd: 5, unpriced: refuse}}
                api_provider:
                  first: {base_url: "%s", api_key: sk-1%s}
                  second: {base_url: "%s", api_key: sk-2%s}
                  claude: {api: anthropic, base_url: "%s", api_key: sk-ant}
                model_config:
                  metered:
                    first: {alias: metered-1, price: {input: 0, output: 1.0}}
                    second: {alias: metered-2, price: {input: 0, output: 1.0}}
                  house-model:
                    first: {alias: house-model-7}
                  claude-x:
                    claude: {alias: claude-x-1, price: {input: 0, output: 1.0}}
                """.formatted(
                        dir.resolve("spend.db"),
                        KEY_A,
                        keyBudget,
                        KEY_FREE,
                        first.baseUrl(),
                        firstBudget == null ? "" : ", budget: " + firstBudget,
                        second.baseUrl(),
                        secondBudget == null ? "" : ", budget: " + secondBudget,
                        first.baseUrl());
    }

    private TestGateway start(String yaml) throws Exception {
        return TestGateway.start(yaml);
    }

    static HttpResponse<String> chat(TestGateway g, String model, String key) throws Exception {
        return g.post("/v1/chat/completions", CHAT.formatted(model), "authorization", "Bearer " + key);
    }

    private static BudgetCounter key(TestGateway g, String name) {
        return g.gateway().budgets().counter(Budgets.Kind.KEY, name);
    }

    @Test
    void keyBudgetWorthTenRequests_fortyRacing_exactlyTenServed() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 0, 1000)); // costs exactly the worst case
        try (TestGateway g = start(yaml("{usd: 0.01, period: month}", null, null))) {
            List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                racing.add(g.http()
                        .sendAsync(
                                HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                                        .timeout(Duration.ofSeconds(30))
                                        .header("content-type", "application/json")
                                        .header("authorization", "Bearer " + KEY_A)
                                        .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("metered")))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int refused = 0;
            long now = System.currentTimeMillis();
            for (CompletableFuture<HttpResponse<String>> f : racing) {
                HttpResponse<String> r = f.join();
                assertNotNull(
                        r.headers().firstValue("x-gateway-budget-remaining-usd").orElse(null), r.toString());
                if (r.statusCode() == 200) {
                    ok++;
                    continue;
                }
                assertEquals(429, r.statusCode(), r.body());
                refused++;
                String body = r.body();
                assertTrue(body.contains("\"type\":\"insufficient_quota\""), body);
                assertTrue(body.contains("\"code\":\"insufficient_quota\""), body);
                assertTrue(body.contains("client key 'team-a' (0.01 USD per month)"), body);
                String nextMonth = Instant.ofEpochMilli(now)
                        .atZone(java.time.ZoneOffset.UTC)
                        .toLocalDate()
                        .withDayOfMonth(1)
                        .plusMonths(1)
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant()
                        .toString();
                assertTrue(body.contains("resets at " + nextMonth), body);
                long retryAfter =
                        Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
                long expected = (Instant.parse(nextMonth).toEpochMilli() - now) / 1000;
                assertTrue(Math.abs(retryAfter - expected) <= 30, retryAfter + " vs " + expected);
            }
            assertEquals(10, ok);
            assertEquals(30, refused);
            assertEquals(10, first.requests().size(), "the refused never reach a provider");
            assertEquals(10 * WORST_CASE, key(g, "team-a").spent());
        }
    }

    @Test
    void afterAnAnswer_theCounterHoldsTheRealCost_andTheHeaderWhatIsLeft() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 0, 100)); // costs a tenth of the worst case
        try (TestGateway g = start(yaml("{usd: 1, period: day}", null, null))) {
            HttpResponse<String> r = chat(g, "metered", KEY_A);
            assertEquals(200, r.statusCode(), r.body());
            // Sent when the answer starts: after the reservation of the worst case.
            assertEquals(
                    "0.999",
                    r.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());
            assertEquals(100_000, key(g, "team-a").spent(), "settled to 100 tokens at USD 1 per 1M");
            r = chat(g, "metered", KEY_A);
            assertEquals(
                    "0.9989",
                    r.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());

            first.setDefault(Behaviour.sse("a", "b"));
            HttpResponse<String> stream = g.post(
                    "/v1/chat/completions",
                    "{\"model\":\"metered\",\"max_tokens\":1000,\"stream\":true,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"hi\"}]}",
                    "authorization",
                    "Bearer " + KEY_A);
            assertEquals(200, stream.statusCode(), stream.body());
            assertTrue(stream.body().contains("[DONE]"), stream.body());
            assertTrue(
                    stream.headers()
                            .firstValue("x-gateway-budget-remaining-usd")
                            .isPresent(),
                    "on a stream too");

            HttpResponse<String> free = chat(g, "metered", KEY_FREE);
            assertEquals(200, free.statusCode());
            assertFalse(
                    free.headers().firstValue("x-gateway-budget-remaining-usd").isPresent(), "no budget");
        }
    }

    @Test
    void failedAttempt_costsNothing_theAnswerThatFollowsItsRealCost() throws Exception {
        first.setDefault(Behaviour.error(500, "server_error", "boom"));
        second.setDefault(Behaviour.chatCompletion("ok", 0, 100));
        try (TestGateway g = start(yaml("{usd: 1, period: day}", "{usd: 1}", "{usd: 1}"))) {
            HttpResponse<String> r = chat(g, "metered", KEY_A);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, first.requests().size());
            assertEquals(
                    0,
                    g.gateway()
                            .budgets()
                            .counter(Budgets.Kind.PROVIDER, "first")
                            .spent(),
                    "failed: 0");
            assertEquals(
                    100_000,
                    g.gateway()
                            .budgets()
                            .counter(Budgets.Kind.PROVIDER, "second")
                            .spent());
            assertEquals(100_000, key(g, "team-a").spent());

            second.setDefault(Behaviour.error(500, "server_error", "boom"));
            HttpResponse<String> failed = chat(g, "metered", KEY_A);
            assertTrue(failed.statusCode() >= 500, failed.body());
            assertEquals(
                    "0.9999",
                    failed.headers()
                            .firstValue("x-gateway-budget-remaining-usd")
                            .orElse(null),
                    "an error answer carries it too, once the failed attempts gave their reservations back");
            assertEquals(100_000, key(g, "team-a").spent(), "every attempt failed: nothing spent");
        }
    }

    @Test
    void providerBudgetSpent_failsOverToTheNext_then429WhenAllAreSpent() throws Exception {
        first.setDefault(Behaviour.chatCompletion("one", 0, 1000));
        second.setDefault(Behaviour.chatCompletion("two", 0, 1000));
        try (TestGateway g = start(yaml("{usd: 100}", "{usd: 0.002, period: day}", "{usd: 0.001, period: week}"))) {
            assertEquals(200, chat(g, "metered", KEY_A).statusCode());
            assertEquals(200, chat(g, "metered", KEY_A).statusCode());
            assertEquals(2, first.requests().size());
            HttpResponse<String> third = chat(g, "metered", KEY_A);
            assertEquals(200, third.statusCode(), third.body());
            assertEquals(1, second.requests().size(), "the first provider's budget is spent: the second serves");
            HttpResponse<String> fourth = chat(g, "metered", KEY_A);
            assertEquals(429, fourth.statusCode(), fourth.body());
            assertTrue(fourth.body().contains("\"code\":\"insufficient_quota\""), fourth.body());
            assertTrue(fourth.body().contains("first budget spent (0 of 0.002 USD per day left"), fourth.body());
            assertTrue(fourth.body().contains("second budget spent (0 of 0.001 USD per week left"), fourth.body());
            assertTrue(fourth.body().contains("resets at "), fourth.body());
            assertTrue(fourth.headers().firstValue("retry-after").isPresent());
            assertEquals(2, first.requests().size());
            assertEquals(1, second.requests().size());
        }
    }

    @Test
    void spentKeyBudget_givesTheProvidersReservationBack() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 0, 1000));
        try (TestGateway g = start(yaml("{usd: 0.001}", "{usd: 1}", null))) {
            assertEquals(200, chat(g, "metered", KEY_A).statusCode());
            HttpResponse<String> refused = chat(g, "metered", KEY_A);
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(
                    refused.body().contains("Budget of client key 'team-a' (0.001 USD per month) is spent"),
                    refused.body());
            assertEquals(
                    WORST_CASE,
                    g.gateway()
                            .budgets()
                            .counter(Budgets.Kind.PROVIDER, "first")
                            .spent(),
                    "the refused request holds nothing of the provider's budget");
            assertEquals(1, first.requests().size());
            assertTrue(second.requests().isEmpty());
        }
    }

    @Test
    void messagesPath_spentKeyBudget_answersInAnthropicsShape() throws Exception {
        try (TestGateway g = start(yaml("{usd: 0.0005}", null, null))) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-x\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-api-key",
                    KEY_A,
                    "anthropic-version",
                    "2023-06-01");
            assertEquals(429, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"type\":\"error\""), r.body());
            assertTrue(r.body().contains("\"type\":\"rate_limit_error\""), r.body());
            assertTrue(r.body().contains("Budget of client key 'team-a' (0.0005 USD per month) is spent"), r.body());
            assertEquals(
                    "0.0005",
                    r.headers().firstValue("x-gateway-budget-remaining-usd").orElseThrow());
            assertTrue(first.requests().isEmpty());
        }
    }

    @Test
    void unpricedModel_servedForABudget_refusedForUnpricedRefuse() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 10, 10));
        try (TestGateway g = start(yaml("{usd: 0.0005}", null, null))) {
            HttpResponse<String> served = chat(g, "house-model", KEY_A);
            assertEquals(200, served.statusCode(), served.body());
            assertEquals(
                    "0.0005",
                    served.headers()
                            .firstValue("x-gateway-budget-remaining-usd")
                            .orElseThrow());
            HttpResponse<String> refused = chat(g, "house-model", "sk-strict-0123456789");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("Model 'house-model' has no known price"), refused.body());
            assertTrue(refused.body().contains("client key 'strict' refuses unpriced models"), refused.body());
            assertEquals(
                    "5",
                    refused.headers()
                            .firstValue("x-gateway-budget-remaining-usd")
                            .orElseThrow());
            assertEquals(1, first.requests().size());
        }
    }

    @Test
    void restart_restoresTheSpend_andAResetStaysAcrossARestart() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 0, 1000));
        String yaml = yaml("{usd: 0.003, period: month}", "{usd: 10, period: total}", null);
        try (TestGateway g = start(yaml)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, chat(g, "metered", KEY_A).statusCode());
            }
            assertEquals(429, chat(g, "metered", KEY_A).statusCode());
        }
        try (TestGateway g = start(yaml)) {
            assertEquals(3 * WORST_CASE, key(g, "team-a").spent(), "restored from the spend file");
            assertEquals(
                    3 * WORST_CASE,
                    g.gateway()
                            .budgets()
                            .counter(Budgets.Kind.PROVIDER, "first")
                            .spent());
            assertEquals(429, chat(g, "metered", KEY_A).statusCode(), "still spent after the restart");
            assertTrue(g.gateway().budgets().reset(Budgets.Kind.KEY, "team-a"));
            assertEquals(0, key(g, "team-a").spent());
            assertEquals(200, chat(g, "metered", KEY_A).statusCode());
        }
        try (TestGateway g = start(yaml)) {
            assertEquals(WORST_CASE, key(g, "team-a").spent(), "what the reset forgot stays forgotten");
            assertEquals(
                    4 * WORST_CASE,
                    g.gateway()
                            .budgets()
                            .counter(Budgets.Kind.PROVIDER, "first")
                            .spent());
        }
    }

    @Test
    void nextPeriod_theBudgetIsAvailableAgain() throws Exception {
        first.setDefault(Behaviour.chatCompletion("ok", 0, 1000));
        MutableClock clock = MutableClock.at("2026-03-10T22:00:00Z");
        try (TestGateway g = TestGateway.start(yaml("{usd: 0.001, period: day}", null, null), clock)) {
            assertEquals(200, chat(g, "metered", KEY_A).statusCode());
            HttpResponse<String> spent = chat(g, "metered", KEY_A);
            assertEquals(429, spent.statusCode(), spent.body());
            assertTrue(spent.body().contains("resets at 2026-03-11T00:00:00Z"), spent.body());
            assertEquals("7200", spent.headers().firstValue("retry-after").orElseThrow());
            clock.advance(Duration.ofHours(2));
            assertEquals(200, chat(g, "metered", KEY_A).statusCode(), "a new day, a new budget");
        }
    }
}
