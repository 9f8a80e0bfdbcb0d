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
