package io.llmgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Limits;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.TracingSettings;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {
    private static final HttpRequest REQUEST =
            new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");

    private static TracingSettings to(String endpoint) {
        return new TracingSettings(URI.create(endpoint), 1.0, "gw", Map.of());
    }

    @Test
    void off_startsNoSpans_andHoldsNoSdkObject() {
        try (Tracing t = new Tracing(TracingSettings.OFF, Clock.systemUTC(), Ticker.systemTicker())) {
            assertFalse(t.enabled());
            assertSame(ExchangeTrace.OFF, t.start(REQUEST, "/chat/completions", "r1", null));
            assertFalse(ExchangeTrace.OFF.replacesContext());
        }
    }

    @Test
    void off_allocatesNothingPerRequest() {
        try (Tracing t = new Tracing(TracingSettings.OFF, Clock.systemUTC(), Ticker.systemTicker())) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            for (int i = 0; i < 10_000; i++) { // warm up, so that what is measured is the steady state
                t.start(REQUEST, "/chat/completions", "r", "k").firstByte();
            }
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                ExchangeTrace trace = t.start(REQUEST, "/chat/completions", "r", "k");
                trace.facts("m", true, 10);
                trace.firstByte();
                trace.attemptEnded("ok", 200, null);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            // The measurement itself may allocate a little; a per-request object would be megabytes.
            assertTrue(allocated < 64 * 1024, allocated + " bytes for 100000 untraced requests");
        }
    }

    @Test
    void temperature_firstNumberValuedKey() {
        assertEquals(
                0.7,
                RequestParams.temperature(
                        json("{\"tools\":[{\"parameters\":{\"properties\":{\"temperature\":{\"type\":\"number\"}}}}],"
                                + "\"messages\":[{\"content\":\"\\\"temperature\\\": 2\"}],\"temperature\" : 0.7}")));
        assertTrue(Double.isNaN(RequestParams.temperature(json("{\"model\":\"m\"}"))));
    }

    private static io.netty.buffer.ByteBuf json(String s) {
        return io.netty.buffer.Unpooled.wrappedBuffer(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void configure_reload_turnsTracingOnAndOff() {
        try (Tracing t = new Tracing(TracingSettings.OFF, Clock.systemUTC(), Ticker.systemTicker())) {
            t.configure(to("http://127.0.0.1:1"));
            assertTrue(t.enabled());
            ExchangeTrace on = t.start(REQUEST, "/chat/completions", "r1", null);
            assertNotSame(ExchangeTrace.OFF, on);
            assertTrue(on.replacesContext());
            on.ended(new io.llmgateway.observe.RequestRecord(
                    0,
                    "r1",
                    null,
                    "/chat/completions",
                    "m",
                    null,
                    null,
                    java.util.List.of(),
                    200,
                    false,
                    0,
                    0,
                    0,
                    0,
                    0,
                    false,
                    null,
                    null));

            t.configure(TracingSettings.OFF);
            assertFalse(t.enabled());
            assertSame(ExchangeTrace.OFF, t.start(REQUEST, "/chat/completions", "r2", null));
        }
    }

    @Test
    void route_documentedFamiliesAsTheyAre_otherPathsByTheirFirstSegment() {
        assertEquals("/v1/chat/completions", Tracing.route("/chat/completions"));
        assertEquals("/v1/embeddings", Tracing.route("/embeddings"));
        assertEquals("/v1/batches/*", Tracing.route("/batches/b_123/cancel"));
        assertEquals("/v1/files", Tracing.route("/files"));
    }

    @Test
    void providerNames_followTheGenAiConventions() {
        assertEquals("anthropic", GenAi.provider(provider("https://api.anthropic.com/v1", ProviderApi.ANTHROPIC)));
        assertEquals("azure.ai.openai", GenAi.provider(provider("https://x.openai.azure.com", ProviderApi.AZURE)));
        assertEquals("openai", GenAi.provider(provider("https://api.openai.com/v1", ProviderApi.OPENAI)));
        assertEquals(
                "gcp.gemini",
                GenAi.provider(
                        provider("https://generativelanguage.googleapis.com/v1beta/openai", ProviderApi.OPENAI)));
        assertEquals("groq", GenAi.provider(provider("https://api.groq.com/openai/v1", ProviderApi.OPENAI)));
        assertEquals("embeddings", GenAi.operation("/embeddings"));
        assertEquals("chat", GenAi.operation("/messages"));
    }

    private static ProviderConfig provider(String url, ProviderApi api) {
        return new ProviderConfig("p", URI.create(url), "", Limits.NONE).withApi(api);
    }
}
