package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 29: the gateway's own time and the time to first token in /metrics, by provider and model asked for. */
class OverheadMetricsEndToEndTest {
    private static final String OVERHEAD = "llm_gateway_overhead_seconds";
    private static final String FIRST_TOKEN = "llm_gateway_time_to_first_token_seconds";
    private static final String STREAM = CHAT.replace("\"messages\"", "\"stream\":true,\"messages\"");
    private static final Duration PROVIDER_DELAY = Duration.ofMillis(300);

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    @Test
    void metrics_countEachProvidersAnswers_andStreamsFirstTokens() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                  gpt-4o-mini:
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()))) {
            // Loads the classes of the path once, on another provider.
            assertEquals(
                    200,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "gpt-4o-mini"))
                            .statusCode());
            main.enqueue(Behaviour.chatCompletion("a").withDelay(PROVIDER_DELAY));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            main.enqueue(Behaviour.sse("a", "b").withDelay(PROVIDER_DELAY));
            assertEquals(200, g.post("/v1/chat/completions", STREAM).statusCode());
            assertEquals(
                    200,
                    g.post("/v1/chat/completions", STREAM.replace("gpt-4o", "gpt-4o-mini"))
                            .statusCode());
            main.enqueue(Behaviour.error(400, "invalid_request_error", "no"));
            assertEquals(400, g.post("/v1/chat/completions", CHAT).statusCode());
            // No provider called: in neither histogram.
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "made-up"))
                            .statusCode());

            HttpResponse<String> r = g.get("/metrics");
            assertEquals(200, r.statusCode());
            PrometheusText m = PrometheusText.parse(r.body());

            String count = OVERHEAD + "_count";
            assertEquals(4, m.value(count, "provider", "main", "model", "gpt-4o", "phase", "pre"));
            assertEquals(4, m.value(count, "provider", "main", "model", "gpt-4o", "phase", "post"));
            assertEquals(2, m.value(count, "provider", "spare", "model", "gpt-4o-mini", "phase", "pre"));
            assertEquals(2, m.value(count, "provider", "spare", "model", "gpt-4o-mini", "phase", "post"));
            assertEquals(4, m.keysOf(count).size(), m.keysOf(count).toString());
            assertEquals(
                    4,
                    m.value(OVERHEAD + "_bucket", "provider", "main", "model", "gpt-4o", "phase", "pre", "le", "+Inf"));
            // The provider's delays (two of 300 ms) are not the gateway's.
            double own = m.value(OVERHEAD + "_sum", "provider", "main", "model", "gpt-4o", "phase", "pre")
                    + m.value(OVERHEAD + "_sum", "provider", "main", "model", "gpt-4o", "phase", "post");
            assertTrue(own < PROVIDER_DELAY.toMillis() / 1000.0, own + " s");

            // Streams only, and each stream's first token waited for the provider.
            assertEquals(1, m.value(FIRST_TOKEN + "_count", "provider", "main", "model", "gpt-4o"));
            assertEquals(1, m.value(FIRST_TOKEN + "_count", "provider", "spare", "model", "gpt-4o-mini"));
            assertEquals(2, m.keysOf(FIRST_TOKEN + "_count").size());
            assertTrue(m.value(FIRST_TOKEN + "_sum", "provider", "main", "model", "gpt-4o") >= 0.3);
            assertEquals(
                    0,
                    m.value(FIRST_TOKEN + "_bucket", "provider", "main", "model", "gpt-4o", "le", "0.25"),
                    "the first token came after the provider's delay");
            assertFalse(r.body().contains("made-up"));
        }
    }
}
