package io.llmgateway.trace;

import static io.llmgateway.trace.OtlpReceiver.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 29: the gateway's spans at a real OTLP/HTTP receiver, and the trace context providers get. */
class TracingEndToEndTest {
    private static final String CLIENT_KEY = "sk-client-secret-0123456789";
    private static final String PROVIDER_KEY = "sk-provider-secret-9876543210";
    private static final String SPARE_KEY = "sk-spare-secret-5555555555";
    private static final String ADMIN_TOKEN = "admin-token-secret-abcdefghijkl";
    private static final String COLLECTOR_TOKEN = "collector-token-secret-xyz";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"max_tokens\":50,\"temperature\":0.25,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"the prompt text\"}]}";

    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private OtlpReceiver collector;

    @BeforeEach
    void startCollector() throws Exception {
        collector = OtlpReceiver.start();
    }

    @AfterEach
    void stopCollector() {
        collector.close();
    }

    private TestGateway gateway(String tracing) throws Exception {
        return TestGateway.start(
                """
                %s
                admin:
                  token: ${ADMIN_TOKEN}
                gateway:
                  api_keys:
                    - name: team-a
                      key: ${CLIENT_KEY}
                api_provider:
                  main:
                    base_url: %s
                    api_key: ${PROVIDER_KEY}
                  spare:
                    base_url: %s
                    api_key: ${SPARE_KEY}
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(tracing, main.baseUrl(), spare.baseUrl()),
                Map.of(
                        "ADMIN_TOKEN", ADMIN_TOKEN,
                        "CLIENT_KEY", CLIENT_KEY,
                        "PROVIDER_KEY", PROVIDER_KEY,
                        "SPARE_KEY", SPARE_KEY,
                        "COLLECTOR_TOKEN", COLLECTOR_TOKEN));
    }

    private String tracing(double ratio) {
        return """
                tracing:
                  otlp_endpoint: %s
                  sample_ratio: %s
                  service_name: gw-under-test
                  headers:
                    authorization: Bearer ${COLLECTOR_TOKEN}
                """.formatted(collector.endpoint(), ratio);
    }

    private HttpResponse<String> chat(TestGateway g, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "authorization";
        all[1] = "Bearer " + CLIENT_KEY;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return g.post("/v1/chat/completions", body, all);
    }

    /** Waits for {@code n} spans at the collector. */
    private List<Span> spans(TestGateway g, int n) throws Exception {
        assertTrue(g.gateway().tracing().flush(10));
        Await.until(n + " spans exported", () -> collector.spans().size() >= n);
        return collector.spans();
    }

    private static Span named(List<Span> spans, String name) {
        return spans.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in "
                        + spans.stream().map(Span::getName).toList()));
    }

    private static boolean sampled(String flags) {
        return (Integer.parseInt(flags, 16) & 1) == 1;
    }

    private static String hex(ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    @Test
    void request_makesServerAndClientSpans_continuingTheClientsTrace() throws Exception {
        try (TestGateway g = gateway(tracing(1.0))) {
            HttpResponse<String> r = chat(
                    g,
                    CHAT,
                    "traceparent",
                    "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01",
                    "tracestate",
                    "vendor=abc");
            assertEquals(200, r.statusCode(), r.body());

            List<Span> spans = spans(g, 2);
            Span server = named(spans, "POST /v1/chat/completions");
            Span client = named(spans, "chat gpt-4o");
            assertEquals(Span.SpanKind.SPAN_KIND_SERVER, server.getKind());
            assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, client.getKind());
            assertEquals(TRACE_ID, hex(server.getTraceId()));
            assertEquals(CLIENT_SPAN_ID, hex(server.getParentSpanId()), "the client's span is the parent");
            assertEquals(TRACE_ID, hex(client.getTraceId()));
            assertEquals(server.getSpanId(), client.getParentSpanId());

            var sa = server.getAttributesList();
            assertEquals("POST", attr(sa, "http.request.method"));
            assertEquals("/v1/chat/completions", attr(sa, "http.route"));
            assertEquals("/v1/chat/completions", attr(sa, "url.path"));
            assertEquals("200", attr(sa, "http.response.status_code"));
            assertEquals("127.0.0.1", attr(sa, "server.address"));
            assertEquals(Integer.toString(g.port()), attr(sa, "server.port"));
            assertEquals("team-a", attr(sa, "llm_gateway.client_key"));
            assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), attr(sa, "llm_gateway.request_id"));

            var ca = client.getAttributesList();
            assertEquals("chat", attr(ca, "gen_ai.operation.name"));
            assertEquals("openai", attr(ca, "gen_ai.provider.name"));
            assertEquals("gpt-4o", attr(ca, "gen_ai.request.model"));
            assertEquals("gpt-4o", attr(ca, "gen_ai.response.model"));
            assertEquals("50", attr(ca, "gen_ai.request.max_tokens"));
            assertEquals("0.25", attr(ca, "gen_ai.request.temperature"));
            assertTrue(attr(ca, "gen_ai.response.id").startsWith("chatcmpl-mock-"), attr(ca, "gen_ai.response.id"));
            assertEquals("[stop]", attr(ca, "gen_ai.response.finish_reasons"));
            assertEquals("10", attr(ca, "gen_ai.usage.input_tokens"));
            assertEquals("5", attr(ca, "gen_ai.usage.output_tokens"));
            assertEquals("main", attr(ca, "llm_gateway.provider"));
            assertEquals("1", attr(ca, "llm_gateway.attempt"));
            assertEquals("closed", attr(ca, "llm_gateway.circuit_state"));
            assertEquals("200", attr(ca, "http.response.status_code"));
            assertNull(attr(ca, "error.type"));

            // The provider gets the attempt's span as the parent, and the client's trace state.
            RecordedRequest sent = main.requests().get(0);
            Matcher m = TRACEPARENT.matcher(sent.header("traceparent"));
            assertTrue(m.matches(), sent.header("traceparent"));
            assertEquals(TRACE_ID, m.group(1));
            assertEquals(hex(client.getSpanId()), m.group(2));
            assertTrue(sampled(m.group(3)), m.group(3));
            assertEquals("vendor=abc", sent.header("tracestate"));

            assertEquals("gw-under-test", attr(collector.resources().get(0).getAttributesList(), "service.name"));
            assertEquals("Bearer " + COLLECTOR_TOKEN, collector.lastHeaders().get("authorization"));
            assertNothingSecret(spans);
        }
    }

    @Test
    void failover_attemptsAreSiblingClientSpans() throws Exception {
        main.enqueue(Behaviour.error(500, "server_error", "boom"));
        try (TestGateway g = gateway(tracing(1.0))) {
            assertEquals(200, chat(g, CHAT).statusCode());

            List<Span> spans = spans(g, 3);
            Span server = named(spans, "POST /v1/chat/completions");
            List<Span> attempts = spans.stream()
                    .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                    .sorted((a, b) -> Long.compare(a.getStartTimeUnixNano(), b.getStartTimeUnixNano()))
                    .toList();
            assertEquals(2, attempts.size());
            for (Span a : attempts) {
                assertEquals(server.getSpanId(), a.getParentSpanId(), "siblings under the server span");
            }
            Span failed = attempts.stream()
                    .filter(a -> "main".equals(attr(a.getAttributesList(), "llm_gateway.provider")))
                    .findFirst()
                    .orElseThrow();
            Span answered = attempts.stream()
                    .filter(a -> "spare".equals(attr(a.getAttributesList(), "llm_gateway.provider")))
                    .findFirst()
                    .orElseThrow();
            assertEquals("server_error", attr(failed.getAttributesList(), "error.type"));
            assertEquals("500", attr(failed.getAttributesList(), "http.response.status_code"));
            assertEquals(
                    io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                    failed.getStatus().getCode());
            assertEquals("2", attr(answered.getAttributesList(), "llm_gateway.attempt"));
            assertEquals("server_error", attr(answered.getAttributesList(), "llm_gateway.failover_reason"));
            assertEquals("2", attr(server.getAttributesList(), "llm_gateway.attempts"));
            Span.Event failover = server.getEventsList().stream()
                    .filter(e -> e.getName().equals("llm_gateway.failover"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("main", attr(failover.getAttributesList(), "llm_gateway.failover_from"));
            assertEquals("spare", attr(failover.getAttributesList(), "llm_gateway.provider"));

            // Each provider got its own attempt's span as the parent.
            assertTrue(main.requests().get(0).header("traceparent").contains(hex(failed.getSpanId())));
            assertTrue(spare.requests().get(0).header("traceparent").contains(hex(answered.getSpanId())));
            assertNothingSecret(spans);
        }
    }

    @Test
    void stream_hasFirstTokenEvent_andFinishReason() throws Exception {
        main.enqueue(Behaviour.sse("Hel", "lo"));
        try (TestGateway g = gateway(tracing(1.0))) {
            String body = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
            HttpResponse<String> r = chat(g, body);
            assertEquals(200, r.statusCode(), r.body());

            Span client = named(spans(g, 2), "chat gpt-4o");
            assertTrue(
                    client.getEventsList().stream().anyMatch(e -> e.getName().equals("llm_gateway.first_token")),
                    client.getEventsList().toString());
            assertEquals("[stop]", attr(client.getAttributesList(), "gen_ai.response.finish_reasons"));
            assertTrue(attr(client.getAttributesList(), "gen_ai.response.id").startsWith("chatcmpl-mock-"));
        }
    }

    @Test
    void notSampled_noSpans_butProvidersGetATraceContext_andASampledParentIsKept() throws Exception {
        try (TestGateway g = gateway(tracing(0.0))) {
            assertEquals(200, chat(g, CHAT).statusCode());
            Matcher m =
                    TRACEPARENT.matcher(String.valueOf(main.requests().get(0).header("traceparent")));
            assertTrue(m.matches(), main.requests().get(0).headers().toString());
            assertFalse(sampled(m.group(3)), m.group(3));

            // Parent-based: the client's sampled trace is recorded whatever the ratio.
            assertEquals(
                    200,
                    chat(g, CHAT, "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
                            .statusCode());
            List<Span> spans = spans(g, 2);
            assertEquals(2, spans.size());
            for (Span s : spans) {
                assertEquals(TRACE_ID, hex(s.getTraceId()));
            }
        }
    }

    @Test
    void tracingOff_clientTraceContextGoesToTheProviderUnchanged() throws Exception {
        try (TestGateway g = gateway("")) {
            assertFalse(g.gateway().tracing().enabled());
            String traceparent = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";
            assertEquals(
                    200,
                    chat(g, CHAT, "traceparent", traceparent, "tracestate", "vendor=abc")
                            .statusCode());

            assertEquals(traceparent, main.requests().get(0).header("traceparent"));
            assertEquals("vendor=abc", main.requests().get(0).header("tracestate"));
            assertEquals(0, collector.posts());
        }
    }

    @Test
    void collectorAnswering500_requestsSucceed_andDropsAreCounted() throws Exception {
        collector.mode(OtlpReceiver.Mode.FAIL);
        requestsSucceed_andDropsAreCounted(tracing(1.0));
    }

    @Test
    void collectorDown_requestsSucceed_andDropsAreCounted() throws Exception {
        String tracing = tracing(1.0);
        collector.close(); // nothing listens there any more
        requestsSucceed_andDropsAreCounted(tracing);
    }

    private void requestsSucceed_andDropsAreCounted(String tracing) throws Exception {
        try (TestGateway g = gateway(tracing)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, chat(g, CHAT).statusCode());
            }
            g.gateway().tracing().flush(10);
            Await.until("drops counted", () -> dropped(g, "export_failed") >= 6, Duration.ofSeconds(30));
        }
    }

    @Test
    void slowCollector_requestsSucceed() throws Exception {
        collector.mode(OtlpReceiver.Mode.STALL);
        try (TestGateway g = gateway(tracing(1.0))) {
            for (int i = 0; i < 20; i++) {
                assertEquals(200, chat(g, CHAT).statusCode());
            }
            g.gateway().tracing().flush(0);
            Await.until("the exporter is held by the collector", () -> collector.posts() >= 1);
            assertEquals(200, chat(g, CHAT).statusCode());
        }
    }

    private long dropped(TestGateway g, String reason) {
        try {
            String metrics = g.http()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(g.url("/metrics")))
                                    .header("authorization", "Bearer " + ADMIN_TOKEN)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile("llm_gateway_trace_spans_dropped_total\\{reason=\"" + reason + "\"} ([0-9.E]+)")
                    .matcher(metrics);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertNothingSecret(List<Span> spans) {
        for (Span s : spans) {
            for (String text : OtlpReceiver.texts(s)) {
                for (String secret : List.of(CLIENT_KEY, PROVIDER_KEY, SPARE_KEY, ADMIN_TOKEN, COLLECTOR_TOKEN)) {
                    assertFalse(text.contains(secret), s.getName() + " holds a secret: " + text);
                }
                assertFalse(text.contains("the prompt text"), s.getName() + " holds the prompt: " + text);
                assertFalse(text.contains("Hello from the mock"), s.getName() + " holds the answer: " + text);
            }
        }
    }
}
