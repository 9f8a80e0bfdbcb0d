package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.route.Denial;
import io.llmgateway.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorRepliesTest {
    private static final Router ROUTER =
            router("api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n    limits: {rpm: 10}\n"
                    + "model_config:\n  m:\n    p: {alias: m}\n");

    private static Router router(String yaml) {
        try {
            return new Router(ConfigLoader.parse(yaml, Map.of()), Clock.systemUTC());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ByteBufAllocator alloc = channel.alloc();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void gateway_isTheClientsErrorShape_andA429CarriesTheRateLimits() {
        FullHttpResponse r =
                ErrorReplies.gateway(OpenAiClientDialect.INSTANCE, alloc, ROUTER, "m", 429, "slow down", null, "x");

        assertEquals(429, r.status().code());
        assertEquals("10", r.headers().get("x-ratelimit-limit-requests"));
        assertEquals(
                "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"param\":null,"
                        + "\"code\":\"x\"}}",
                body(r));
    }

    @Test
    void gateway_withoutAModel_hasNoRateLimits() {
        FullHttpResponse r =
                ErrorReplies.gateway(OpenAiClientDialect.INSTANCE, alloc, ROUTER, null, 400, "bad", "model", null);

        assertNull(r.headers().get("x-ratelimit-limit-requests"));
        assertTrue(body(r).contains("\"type\":\"invalid_request_error\",\"param\":\"model\""));
    }

    @Test
    void denial_tellsWhenToRetry() {
        FullHttpResponse r = ErrorReplies.denial(
                OpenAiClientDialect.INSTANCE, alloc, ROUTER, "m", new Denial(429, "limit reached", 7));

        assertEquals("7", r.headers().get("retry-after"));
        assertTrue(body(r).contains("\"code\":\"rate_limit_exceeded\""));
    }

    @Test
    void overloaded_is503_retryAfterOneSecond() {
        FullHttpResponse r = ErrorReplies.overloaded(OpenAiClientDialect.INSTANCE, alloc, "busy");

        assertEquals(503, r.status().code());
        assertEquals("1", r.headers().get("retry-after"));
        assertTrue(body(r).contains("\"code\":\"gateway_overloaded\""));
    }

    @Test
    void relayed_keepsTheProvidersBody_withOurFraming() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        head.headers()
                .set("content-type", "application/json")
                .set("transfer-encoding", "chunked")
                .set("x-ratelimit-limit-requests", "999");
        ByteBuf body = Unpooled.copiedBuffer("{\"error\":{}}", StandardCharsets.UTF_8);

        FullHttpResponse r = ErrorReplies.relayed(head, body, ROUTER, "m");

        assertEquals(400, r.status().code());
        assertFalse(r.headers().contains("transfer-encoding"));
        assertEquals("12", r.headers().get("content-length"));
        assertNull(r.headers().get("x-ratelimit-limit-requests")); // the provider's limits are not ours
        assertEquals("{\"error\":{}}", body(r));
    }

    @Test
    void wrapped_cutsALongText() {
        ByteBuf body = Unpooled.copiedBuffer(" " + "x".repeat(600) + "\n", StandardCharsets.UTF_8);
        try {
            assertEquals(
                    "The provider answered HTTP 500: " + "x".repeat(500) + "...",
                    ErrorReplies.wrapped(500, "text/plain", body));
        } finally {
            body.release();
        }
        assertEquals("The provider answered HTTP 502", ErrorReplies.wrapped(502, null, Unpooled.EMPTY_BUFFER));
    }

    @Test
    void wrapped_quotesTheMessageOfEitherErrorShape() {
        ByteBuf anthropic = Unpooled.copiedBuffer(
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: too big\"}}",
                StandardCharsets.UTF_8);
        ByteBuf openAi = Unpooled.copiedBuffer(
                "{\"error\":{\"message\":\"Invalid value for temperature\",\"type\":\"invalid_request_error\"}}",
                StandardCharsets.UTF_8);
        try {
            assertEquals(
                    "The provider answered HTTP 400: max_tokens: too big",
                    ErrorReplies.wrapped(400, "application/json", anthropic));
            assertEquals(
                    "The provider answered HTTP 400: Invalid value for temperature",
                    ErrorReplies.wrapped(400, "application/json; charset=utf-8", openAi));
        } finally {
            anthropic.release();
            openAi.release();
        }
    }
}
