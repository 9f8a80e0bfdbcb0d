package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.spend.SpendStore;
import io.llmgateway.spend.SpendTotals;
import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 27: the cost of requests through the gateway in the interaction log, /metrics and the spend file. */
class SpendEndToEndTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES = "{\"model\":\"claude-sonnet\",\"max_tokens\":100,\"stream\":%s,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @RegisterExtension
    final MockUpstream openai = MockUpstream.start();

    @RegisterExtension
    final MockUpstream claude = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start(
                """
                logging:
                  directory: %s
                pricing:
                  gpt-4o-mini: {input: 0.15, output: 0.60, cached_input: 0.075}
                  claude-sonnet-4-5: {input: 3.00, output: 15.00, cache_read: 0.30, cache_write: 3.75}
                gateway:
                  spend_file: %s
                  api_keys:
                    - {name: team-a, key: sk-team-a-0123456789}
                api_provider:
                  openai: {base_url: "%s", api_key: sk-openai}
                  claude: {api: anthropic, base_url: "%s", api_key: sk-ant}
                model_config:
                  gpt-4o-mini:
                    openai: {}
                  house-model:
                    openai: {alias: house-model-7}
                  claude-sonnet:
                    claude: {alias: claude-sonnet-4-5}
                """.formatted(dir.resolve("logs"), dir.resolve("spend.db"), openai.baseUrl(), claude.baseUrl()));
    }

    private static HttpResponse<String> chat(TestGateway g, String model) throws Exception {
        return g.post("/v1/chat/completions", CHAT.formatted(model), "authorization", "Bearer sk-team-a-0123456789");
    }

    private Map<String, SpendTotals> storedByKey() throws Exception {
        try (SpendStore store = SpendStore.open(dir.resolve("spend.db"), Duration.ofSeconds(1))) {
            return store.totals(SpendStore.By.KEY, Long.MIN_VALUE, Long.MAX_VALUE)
                    .get(10, TimeUnit.SECONDS);
        }
    }

    /** The value of the metric line that starts with {@code series}, or null when there is none. */
    private static Double metric(String metrics, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    @Test
    void openAiAnswer_costInTheLogAndMetrics_andKeptAcrossARestart() throws Exception {
        openai.enqueue(Behaviour.chatCompletion("hello", 1000, 500));
        openai.enqueue(Behaviour.chatCompletion("again", 1000, 500));
        // 1000 * 0.15 / 1M + 500 * 0.60 / 1M = 0.00015 + 0.0003
        BigDecimal expected = new BigDecimal("0.00045");
        try (TestGateway g = gateway()) {
            assertEquals(200, chat(g, "gpt-4o-mini").statusCode());
            List<Map<String, Object>> lines = InteractionLines.await(dir.resolve("logs"), 1);
            assertEquals(
                    0,
                    expected.compareTo(
                            new BigDecimal(lines.get(0).get("cost_usd").toString())),
                    lines.get(0).toString());
            String metrics = g.get("/metrics").body();
            Double cost = metric(
                    metrics, "llm_gateway_cost_usd_total{key=\"team-a\",model=\"gpt-4o-mini\",provider=\"openai\"}");
            assertEquals(0.00045, cost, 1e-12, metrics);
        }
        assertEquals(450_000, storedByKey().get("team-a").costNanos(), "on disk once the gateway stopped");

        try (TestGateway g = gateway()) {
            assertEquals(200, chat(g, "gpt-4o-mini").statusCode());
        }
        SpendTotals total = storedByKey().get("team-a");
        assertEquals(2, total.requests());
        assertEquals(900_000, total.costNanos(), "the second run adds to what the first kept");
        assertEquals(2000, total.input());
        assertEquals(1000, total.output());
    }

    @Test
    void openAiCachedPromptTokens_pricedAtTheCachedInputRate() throws Exception {
        openai.enqueue(Behaviour.json(200, """
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,
                "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                "prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":192}}}
                """));
        // (2006 - 1920) * 0.15 + 1920 * 0.075 + 300 * 0.60 = 12.9 + 144 + 180 = 336.9 per 1M tokens
        BigDecimal expected = new BigDecimal("0.0003369");
        try (TestGateway g = gateway()) {
            assertEquals(200, chat(g, "gpt-4o-mini").statusCode());
            Map<String, Object> line =
                    InteractionLines.await(dir.resolve("logs"), 1).get(0);
            assertEquals(
                    0, expected.compareTo(new BigDecimal(line.get("cost_usd").toString())), line.toString());
            String metrics = g.get("/metrics").body();
            assertEquals(
                    0.0003369,
                    metric(
                            metrics,
                            "llm_gateway_cost_usd_total{key=\"team-a\",model=\"gpt-4o-mini\",provider=\"openai\"}"),
                    1e-12,
                    metrics);
        }
        SpendTotals total = storedByKey().get("team-a");
        assertEquals(336_900, total.costNanos());
    }

    @Test
    void anthropicCacheReadsAndWrites_pricedEachAtItsOwnRate_streamedOrNot() throws Exception {
        AnthropicAnswer answer = AnthropicAnswer.text("Hello").withUsage(30, 45).withCache(100, 2000);
        claude.enqueue(answer.json());
        claude.enqueue(answer.stream());
        // 30 * 3.00 + 100 * 3.75 (cache write) + 2000 * 0.30 (cache read) + 45 * 15.00 = 1740 per 1M tokens
        BigDecimal expected = new BigDecimal("0.00174");
        try (TestGateway g = gateway()) {
            for (String stream : new String[] {"false", "true"}) {
                HttpResponse<String> r =
                        g.post("/v1/messages", MESSAGES.formatted(stream), "x-api-key", "sk-team-a-0123456789");
                assertEquals(200, r.statusCode(), r.body());
            }
            List<Map<String, Object>> lines = InteractionLines.await(dir.resolve("logs"), 2);
            for (Map<String, Object> line : lines) {
                assertEquals(
                        0,
                        expected.compareTo(new BigDecimal(line.get("cost_usd").toString())),
                        line.toString());
            }
            String metrics = g.get("/metrics").body();
            Double cost = metric(
                    metrics, "llm_gateway_cost_usd_total{key=\"team-a\",model=\"claude-sonnet\",provider=\"claude\"}");
            assertEquals(2 * 0.00174, cost, 1e-12, metrics);
        }
        SpendTotals total = storedByKey().get("team-a");
        assertEquals(3_480_000, total.costNanos());
        assertEquals(4000, total.cacheRead());
        assertEquals(200, total.cacheWrite());
    }

    @Test
    void unpricedModel_isServed_andCountedUnpriced() throws Exception {
        openai.enqueue(Behaviour.chatCompletion("hello", 10, 5));
        try (TestGateway g = gateway()) {
            assertEquals(200, chat(g, "house-model").statusCode());
            Map<String, Object> line =
                    InteractionLines.await(dir.resolve("logs"), 1).get(0);
            assertTrue(line.containsKey("cost_usd"), line.toString());
            assertNull(line.get("cost_usd"), "no price, no figure");
            String metrics = g.get("/metrics").body();
            assertEquals(
                    1.0,
                    metric(
                            metrics,
                            "llm_gateway_unpriced_requests_total{key=\"team-a\",model=\"house-model\","
                                    + "provider=\"openai\"}"),
                    metrics);
            assertNull(metric(
                    metrics, "llm_gateway_cost_usd_total{key=\"team-a\",model=\"house-model\",provider=\"openai\"}"));
        }
        SpendTotals total = storedByKey().get("team-a");
        assertEquals(1, total.unpriced());
        assertEquals(0, total.costNanos());
    }
}
