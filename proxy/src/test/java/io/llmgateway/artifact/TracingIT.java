package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.trace.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces from the shaded jar: the SDK, the OTLP exporter and its JDK HttpClient sender (found through
 * META-INF/services, which the shade plugin must merge) export a request's spans to a test collector.
 */
class TracingIT {
    @TempDir
    Path dir;

    @Test
    void shadedJar_exportsARequestsSpans_andGivesTheProviderATraceContext() throws Exception {
        try (MockUpstream upstream = GatewayClient.provider();
                OtlpReceiver collector = OtlpReceiver.start()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                    tracing:
                      otlp_endpoint: %s
                      service_name: gw-artifact
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {}
                    """.formatted(collector.endpoint(), upstream.baseUrl()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                assertTrue(gateway.client().assertChat("gpt-4o").contains(GatewayClient.ANSWER));

                Await.until("2 spans at the collector", () -> collector.spans().size() >= 2, Duration.ofSeconds(30));
                List<Span> spans = collector.spans();
                assertTrue(
                        spans.stream().anyMatch(s -> s.getName().equals("POST /v1/chat/completions")),
                        spans.toString());
                assertTrue(spans.stream().anyMatch(s -> s.getName().equals("chat gpt-4o")), spans.toString());
                assertEquals(
                        "gw-artifact",
                        OtlpReceiver.attr(collector.resources().get(0).getAttributesList(), "service.name"));
                String traceparent = upstream.requests().get(0).header("traceparent");
                assertTrue(
                        traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]"),
                        traceparent);
                gateway.assertStopsCleanly();
            }
        }
    }
}
