package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 7: GET /metrics in Prometheus' text format, read back by a strict parser after known traffic. */
class MetricsEndToEndTest {
    private static final String STREAM =
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway gateway(String extra) throws Exception {
        return TestGateway.start(extra + """
                api_provider:
                  main:
                    base_url: %s
                    limits: {rpm: 10, tpm: 1000, rpd: 100}
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                  gpt-4o-mini:
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()));
    }

    @Test
    void metrics_afterKnownTraffic_haveTheExpectedSeriesAndValues() throws Exception {
        try (TestGateway g = gateway("")) {
            // Durations are whole milliseconds; a local answer can take less, so one is made to take longer.
            main.enqueue(Behaviour.chatCompletion(MockUpstream.DEFAULT_CONTENT).withDelay(Duration.ofMillis(20)));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            main.enqueue(Behaviour.sse("a", "b"));
            assertEquals(200, g.post("/v1/chat/completions", STREAM).statusCode());
            main.enqueue(Behaviour.error(500, "server_error", "boom"));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "made-up-1"))
                            .statusCode());
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "made-up-2"))
                            .statusCode());
            assertEquals(400, g.post("/v1/chat/completions", "{not json").statusCode());

            HttpResponse<String> r = g.get("/metrics");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(
                    "text/plain; version=0.0.4; charset=utf-8",
                    r.headers().firstValue("content-type").orElse(""));
            PrometheusText m = PrometheusText.parse(r.body());

            String requests = "llm_gateway_requests_total";
            assertEquals(3, m.value(requests, "model", "gpt-4o", "provider", "main", "status", "200"));
            assertEquals(1, m.value(requests, "model", "gpt-4o", "provider", "spare", "status", "200"));
            assertEquals(2, m.value(requests, "model", "other", "provider", "none", "status", "404"));
            assertEquals(1, m.value(requests, "model", "none", "provider", "none", "status", "400"));
            assertEquals(4, m.keysOf(requests).size(), m.keysOf(requests).toString());
            assertFalse(r.body().contains("made-up"), "a client's model names never become label values");

            assertEquals(2, m.value("llm_gateway_request_errors_total", "model", "other", "type", "not_found_error"));
            assertEquals(3, m.value("llm_gateway_attempts_total", "provider", "main", "outcome", "ok"));
            assertEquals(1, m.value("llm_gateway_attempts_total", "provider", "main", "outcome", "server_error"));
            assertEquals(1, m.value("llm_gateway_attempts_total", "provider", "spare", "outcome", "ok"));
            assertEquals(1, m.value("llm_gateway_failovers_total", "model", "gpt-4o"));

            String tokens = "llm_gateway_tokens_total";
            assertEquals(
                    30, m.value(tokens, "model", "gpt-4o", "provider", "main", "kind", "prompt", "source", "reported"));
            assertEquals(
                    15,
                    m.value(tokens, "model", "gpt-4o", "provider", "main", "kind", "completion", "source", "reported"));
            assertEquals(
                    10,
                    m.value(tokens, "model", "gpt-4o", "provider", "spare", "kind", "prompt", "source", "reported"));

            assertEquals(
                    3, m.value("llm_gateway_request_duration_seconds_count", "model", "gpt-4o", "stream", "false"));
            assertEquals(1, m.value("llm_gateway_request_duration_seconds_count", "model", "gpt-4o", "stream", "true"));
            assertEquals(
                    1, m.value("llm_gateway_time_to_first_byte_seconds_count", "model", "gpt-4o", "stream", "true"));
            assertTrue(
                    m.value("llm_gateway_request_duration_seconds_sum", "model", "gpt-4o", "stream", "false") >= 0.02);
            assertEquals(
                    3,
                    m.value(
                            "llm_gateway_request_duration_seconds_bucket",
                            "model",
                            "gpt-4o",
                            "stream",
                            "false",
                            "le",
                            "+Inf"));

            String usage = "llm_gateway_provider_window_usage";
            assertEquals(4, m.value(usage, "provider", "main", "window", "rpm"), "the failed attempt counts too");
            assertEquals(
                    45, m.value(usage, "provider", "main", "window", "tpm"), "real usage; the failure gave its back");
            assertEquals(4, m.value(usage, "provider", "main", "window", "rpd"));
            assertEquals(1, m.value(usage, "provider", "spare", "window", "rpm"));
            String limit = "llm_gateway_provider_window_limit";
            assertEquals(10, m.value(limit, "provider", "main", "window", "rpm"));
            assertEquals(1000, m.value(limit, "provider", "main", "window", "tpm"));
            assertEquals(100, m.value(limit, "provider", "main", "window", "rpd"));
            assertNull(m.valueOrNull(limit, "provider", "spare", "window", "rpm"), "unlimited: no series");
            assertEquals(0.6, m.value("llm_gateway_provider_headroom_ratio", "provider", "main"), 1e-9);
            assertEquals(1, m.value("llm_gateway_provider_circuit_state", "provider", "main", "state", "closed"));
            assertEquals(0, m.value("llm_gateway_provider_circuit_state", "provider", "main", "state", "open"));
            assertEquals(0, m.value("llm_gateway_in_flight_requests"));
            assertTrue(m.value("llm_gateway_upstream_connections") >= 2, "pooled connections to both mocks");
            assertEquals(0, m.value("llm_gateway_interaction_log_dropped_total", "reason", "queue_full"));
            assertEquals("counter", m.types.get("llm_gateway_requests_total"));
            assertEquals("histogram", m.types.get("llm_gateway_time_to_first_byte_seconds"));
        }
    }

    @Test
    void metrics_inFlight_countsRequestsStillRunning() throws Exception {
        main.setDefault(Behaviour.chatCompletion("slow").withDelay(Duration.ofMillis(1500)));
        try (TestGateway g = gateway("")) {
            var pending = g.http()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertTrue(main.takeRequest(Duration.ofSeconds(5)) != null);

            PrometheusText during = PrometheusText.parse(g.get("/metrics").body());
            assertEquals(200, pending.get().statusCode());
            PrometheusText after = PrometheusText.parse(g.get("/metrics").body());

            assertEquals(1, during.value("llm_gateway_in_flight_requests"));
            assertEquals(0, after.value("llm_gateway_in_flight_requests"));
        }
    }

    @Test
    void metrics_withAdminToken_requireIt() throws Exception {
        try (TestGateway g = gateway("admin:\n  token: metrics-test-token\n")) {
            assertEquals(401, g.get("/metrics").statusCode());
            assertEquals(
                    401, get(g, "/metrics", "authorization", "Bearer wrong").statusCode());
            assertEquals(
                    200,
                    get(g, "/metrics", "authorization", "Bearer metrics-test-token")
                            .statusCode());
            assertEquals(
                    200,
                    get(g, "/metrics", "x-admin-token", "metrics-test-token").statusCode());
        }
    }

    @Test
    void metrics_requireAdminFalse_isPublic() throws Exception {
        try (TestGateway g = gateway("admin:\n  token: metrics-test-token\nmetrics:\n  require_admin: false\n")) {
            HttpResponse<String> r = g.get("/metrics");

            assertEquals(200, r.statusCode());
            PrometheusText.parse(r.body());
        }
    }

    @Test
    void metrics_disabled_is404() throws Exception {
        try (TestGateway g = gateway("metrics:\n  enabled: false\n")) {
            HttpResponse<String> r = g.get("/metrics");

            assertEquals(404, r.statusCode());
            assertTrue(r.body().contains("\"code\":\"unknown_url\""), r.body());
        }
    }

    @Test
    void metrics_post_is405() throws Exception {
        try (TestGateway g = gateway("")) {
            assertEquals(405, g.post("/metrics", "{}").statusCode());
        }
    }

    @Test
    void metrics_openCircuit_isReported() throws Exception {
        main.setDefault(Behaviour.error(401, "invalid_request_error", "Incorrect API key provided"));
        try (TestGateway g = gateway("")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());

            PrometheusText m = PrometheusText.parse(g.get("/metrics").body());

            assertEquals(1, m.value("llm_gateway_provider_circuit_state", "provider", "main", "state", "open"));
            assertEquals(0, m.value("llm_gateway_provider_circuit_state", "provider", "main", "state", "closed"));
            assertEquals(1, m.value("llm_gateway_attempts_total", "provider", "main", "outcome", "auth"));
        }
    }

    @Test
    void metrics_requests_wakeNoThreadOfTheMetricsClient() throws Exception {
        try (TestGateway g = gateway("")) {
            main.enqueue(Behaviour.error(500, "server_error", "boom")); // an error, a failover, then success
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            main.enqueue(Behaviour.sse("a", "b"));
            assertEquals(200, g.post("/v1/chat/completions", STREAM).statusCode());
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "made-up"))
                            .statusCode());
            assertTrue(g.get("/metrics").body().contains("llm_gateway_failovers_total"));

            // With exemplars on, the client's sampler schedules a task on its own thread (started on first use)
            // for an observation after each sampling interval: at low traffic, from the event loop, per request.
            assertFalse(
                    Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().startsWith("prometheus-metrics")),
                    "the metrics client's scheduler thread was started (by a gateway, or by a test that built a "
                            + "metric with exemplars)");
        }
    }

    private static HttpResponse<String> get(TestGateway g, String path, String header, String value) throws Exception {
        return g.http()
                .send(
                        HttpRequest.newBuilder(URI.create(g.url(path)))
                                .header(header, value)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
