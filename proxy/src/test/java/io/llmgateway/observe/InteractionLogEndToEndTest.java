package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestSse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 7: agent_interactions.log, one JSON line per request, per kind of request, over real sockets. */
class InteractionLogEndToEndTest {
    private static final String STREAM =
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Every field of a line, in order; bodies come after them only when switched on. */
    private static final List<String> FIELDS = List.of(
            "time",
            "request_id",
            "client_key_id",
            "path",
            "model",
            "model_used",
            "provider",
            "client_api",
            "provider_api",
            "stream",
            "status",
            "attempts",
            "failovers",
            "ttfb_ms",
            "latency_ms",
            "gateway_pre_us",
            "gateway_post_us",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "tokens_estimated",
            "cost_usd",
            "error_type",
            "error_message");

    @TempDir
    Path logs;

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway gateway(String logging, String mainLimits) throws Exception {
        return TestGateway.start("""
                logging:
                  directory: %s
                %s
                api_provider:
                  main:
                    base_url: %s
                    api_key: sk-main-key
                    limits: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(logs, logging, main.baseUrl(), mainLimits, spare.baseUrl()));
    }

    @Test
    void nonStream_writesOneLineWithEveryField() throws Exception {
        main.enqueue(Behaviour.chatCompletion("hello", 12, 7));
        try (TestGateway g = gateway("", "{}")) {
            Instant before = Instant.now();
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
            assertEquals(200, r.statusCode(), r.body());

            Map<String, Object> line = InteractionLines.await(logs, 1).get(0);

            assertEquals(FIELDS, List.copyOf(line.keySet()));
            Instant time = Instant.parse((String) line.get("time"));
            assertFalse(time.isBefore(before.minusSeconds(1)) || time.isAfter(Instant.now()), time.toString());
            assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), line.get("request_id"));
            assertNull(line.get("client_key_id"));
            assertEquals("/chat/completions", line.get("path"));
            assertEquals("gpt-4o", line.get("model"));
            assertEquals("gpt-4o", line.get("model_used"));
            assertEquals("main", line.get("provider"));
            assertEquals("openai", line.get("client_api"));
            assertEquals("openai", line.get("provider_api"));
            assertEquals(false, line.get("stream"));
            assertEquals(200L, line.get("status"));
            assertEquals(
                    List.of(Map.of(
                            "provider",
                            "main",
                            "model",
                            "gpt-4o",
                            "outcome",
                            "ok",
                            "status",
                            200L,
                            "ms",
                            attempt(line, 0).get("ms"))),
                    line.get("attempts"));
            assertEquals(0L, line.get("failovers"));
            long ttfb = (Long) line.get("ttfb_ms");
            long latency = (Long) line.get("latency_ms");
            assertTrue(ttfb >= 0 && ttfb <= latency, ttfb + " / " + latency);
            long pre = (Long) line.get("gateway_pre_us");
            long post = (Long) line.get("gateway_post_us");
            assertTrue(pre >= 0 && post >= 0 && pre + post <= (latency + 1) * 1000, pre + " + " + post + " us");
            assertEquals(12L, line.get("prompt_tokens"));
            assertEquals(7L, line.get("completion_tokens"));
            assertEquals(19L, line.get("total_tokens"));
            assertEquals(false, line.get("tokens_estimated"));
            assertNull(line.get("error_type"));
            assertNull(line.get("error_message"));
        }
    }

    @Test
    void stream_isFlaggedWithTimeToFirstByteAndReportedUsage() throws Exception {
        main.enqueue(Behaviour.sse("Hel", "lo").paced(Duration.ofMillis(30)));
        try (TestGateway g = gateway("", "{}")) {
            HttpResponse<String> r = g.post("/v1/chat/completions", STREAM);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(
                    "[DONE]", TestSse.data(r.body()).get(TestSse.data(r.body()).size() - 1));

            Map<String, Object> line = InteractionLines.await(logs, 1).get(0);

            assertEquals(true, line.get("stream"));
            assertEquals(200L, line.get("status"));
            assertEquals("main", line.get("provider"));
            long ttfb = (Long) line.get("ttfb_ms");
            long latency = (Long) line.get("latency_ms");
            assertTrue(
                    ttfb >= 0 && ttfb < latency, "paced deltas arrive after the first byte: " + ttfb + " / " + latency);
            assertEquals(15L, line.get("total_tokens"));
            assertEquals(false, line.get("tokens_estimated"));
            assertFalse(line.containsKey("response_body"), "bodies are off by default");
        }
    }

    @Test
    void failedOver_listsBothAttemptsWithTheirOutcomes() throws Exception {
        main.enqueue(Behaviour.error(500, "server_error", "boom"));
        try (TestGateway g = gateway("", "{}")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            Map<String, Object> line = InteractionLines.await(logs, 1).get(0);

            assertEquals("spare", line.get("provider"));
            assertEquals(1L, line.get("failovers"));
            assertEquals("main", attempt(line, 0).get("provider"));
            assertEquals("server_error", attempt(line, 0).get("outcome"));
            assertEquals(500L, attempt(line, 0).get("status"));
            assertEquals("spare", attempt(line, 1).get("provider"));
            assertEquals("ok", attempt(line, 1).get("outcome"));
            assertEquals(200L, line.get("status"));
            assertNull(line.get("error_type"));
        }
    }

    @Test
    void rejected429_hasNoAttemptAndTheErrorType() throws Exception {
        try (TestGateway g = TestGateway.start("""
                logging:
                  directory: %s
                api_provider:
                  main:
                    base_url: %s
                    limits: {rpm: 1}
                model_config:
                  gpt-4o:
                    main: {}
                """.formatted(logs, main.baseUrl()))) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
            assertEquals(429, r.statusCode(), r.body());

            List<Map<String, Object>> lines = InteractionLines.await(logs, 2);
            Map<String, Object> line = lines.get(1);

            assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), line.get("request_id"));
            assertEquals(429L, line.get("status"));
            assertEquals(List.of(), line.get("attempts"));
            assertEquals(0L, line.get("failovers"));
            assertNull(line.get("provider"));
            assertNull(line.get("model_used"));
            assertEquals("rate_limit_error", line.get("error_type"));
            assertNotNull(line.get("error_message"));
            assertEquals(0L, line.get("total_tokens"));
        }
    }

    @Test
    void logBodies_keepsRequestAndResponse_cappedAtMaxBodyBytes() throws Exception {
        main.enqueue(Behaviour.chatCompletion("the answer"));
        String small =
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(500) + "\"}]}";
        String big =
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(3000) + "\"}]}";
        try (TestGateway g = gateway("  log_bodies: true\n  max_body_bytes: 2KiB", "{}")) {
            assertEquals(200, g.post("/v1/chat/completions", small).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", big).statusCode());

            List<Map<String, Object>> lines = InteractionLines.await(logs, 2);

            assertEquals(small, lines.get(0).get("request_body"));
            assertTrue(((String) lines.get(0).get("response_body")).contains("\"content\":\"the answer\""), (String)
                    lines.get(0).get("response_body"));
            String marker = "...[truncated: " + big.length() + " bytes]";
            assertEquals(big.substring(0, 2048) + marker, lines.get(1).get("request_body"));
        }
    }

    @Test
    void logBodies_streamIsLoggedAsItsAssembledText() throws Exception {
        main.enqueue(Behaviour.sse("Hel", "lo ", "world"));
        try (TestGateway g = gateway("  log_bodies: true", "{}")) {
            assertEquals(200, g.post("/v1/chat/completions", STREAM).statusCode());

            Map<String, Object> line = InteractionLines.await(logs, 1).get(0);

            assertEquals(STREAM, line.get("request_body"));
            assertEquals("Hello world", line.get("response_body"));
        }
    }

    @Test
    void logBodies_providerErrorBodyIsTheResponseBody() throws Exception {
        main.enqueue(Behaviour.error(400, "invalid_request_error", "bad temperature"));
        try (TestGateway g = gateway("  log_bodies: true", "{}")) {
            assertEquals(400, g.post("/v1/chat/completions", CHAT).statusCode());

            Map<String, Object> line = InteractionLines.await(logs, 1).get(0);

            assertTrue(((String) line.get("response_body")).contains("bad temperature"), line.toString());
            assertEquals("upstream_400", line.get("error_type"));
        }
    }

    @Test
    void interactionsOff_writesNoFile() throws Exception {
        try (TestGateway g = gateway("  interactions: false", "{}")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
        } // closing the gateway flushes any interaction log it has

        assertFalse(logs.resolve("agent_interactions.log").toFile().exists());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attempt(Map<String, Object> line, int i) {
        return ((List<Map<String, Object>>) line.get("attempts")).get(i);
    }
}
