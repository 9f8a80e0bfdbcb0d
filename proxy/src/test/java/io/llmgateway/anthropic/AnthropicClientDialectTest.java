package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicClientDialectTest {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void error_isAnthropicsShape_withTheStatusType() {
        int[] statuses = {400, 401, 403, 404, 413, 429, 500, 502, 503, 504, 529};
        String[] types = {
            "invalid_request_error",
            "authentication_error",
            "permission_error",
            "not_found_error",
            "request_too_large",
            "rate_limit_error",
            "api_error",
            "api_error",
            "overloaded_error",
            "api_error",
            "overloaded_error"
        };
        for (int i = 0; i < statuses.length; i++) {
            FullHttpResponse r = AnthropicClientDialect.MESSAGES.error(ALLOC, statuses[i], "Bad \"x\"", "p", "c");
            assertEquals(statuses[i], r.status().code());
            assertEquals(
                    "{\"type\":\"error\",\"error\":{\"type\":\"" + types[i] + "\",\"message\":\"Bad \\\"x\\\"\"}}",
                    r.content().toString(UTF_8));
            assertEquals(types[i], AnthropicClientDialect.MESSAGES.errorType(statuses[i]));
            r.release();
        }
    }

    @Test
    void errorEvent_isAnErrorEventOfTheStream() {
        ByteBuf e = AnthropicClientDialect.MESSAGES.errorEvent(ALLOC, "broke off", "upstream_stream_error");
        assertEquals(
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"broke off\"}}\n\n",
                e.toString(UTF_8));
        e.release();
    }

    @Test
    void isError_recognisesAnthropicsShapeOnly() {
        AnthropicClientDialect d = AnthropicClientDialect.MESSAGES;
        assertTrue(d.isError(
                "application/json", json("{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"y\"}}")));
        assertFalse(d.isError("application/json", json("{\"error\":{\"message\":\"y\",\"type\":\"x\"}}")));
        assertFalse(d.isError("text/plain", json("{\"type\":\"error\",\"error\":{}}")));
        assertFalse(d.isError("application/json", json("not json")));
    }

    @Test
    void forPath_choosesByPath() {
        assertSame(AnthropicClientDialect.MESSAGES, AnthropicClientDialect.forPath("/v1/messages"));
        assertSame(AnthropicClientDialect.COUNT_TOKENS, AnthropicClientDialect.forPath("/v1/messages/count_tokens"));
        assertSame(AnthropicClientDialect.MESSAGES, AnthropicClientDialect.forPath("/v1/messages/batches"));
        assertFalse(AnthropicClientDialect.serves("/v1/messages/batches"));
        assertNull(AnthropicClientDialect.forPath("/v1/chat/completions"));
        assertNull(AnthropicClientDialect.forPath("/v1/messagesx"));
    }

    @Test
    void providerDialect_splicesOnlyTheModel_andSendsTheKeyAsXApiKey() throws Exception {
        AnthropicProviderDialect p = new AnthropicProviderDialect(new TokenEstimator(Runnable::run), "2023-06-01");
        for (String pad : new String[] {"", " ".repeat(ModelSplice.COPY_BELOW)}) {
            String json = "{\"model\":\"claude\",\"max_tokens\":5," + pad + "\"messages\":[]}";
            ByteBuf body = Unpooled.copiedBuffer(json, UTF_8);
            RequestFacts facts = AnthropicClientDialect.MESSAGES.read(body);
            ByteBuf out = p.body(ALLOC, body, facts, "claude-\"x\"");
            assertEquals(json.replace("\"claude\"", "\"claude-\\\"x\\\"\""), out.toString(UTF_8));
            out.release();
            ByteBuf same = p.body(ALLOC, body, facts, "claude");
            assertEquals(json, same.toString(UTF_8));
            same.release();
            assertEquals(1, body.refCnt());
            body.release();
        }
        assertEquals("x-api-key", p.keyHeader());
        assertEquals("sk-ant", p.keyValue("sk-ant"));
        assertEquals("/v1/messages", p.target("/v1", "/messages", "claude"));
    }

    @Test
    void providerDialect_sendsTheClientsVersionElseTheConfigured_andTheClientsBetaFlags() {
        AnthropicProviderDialect p = new AnthropicProviderDialect(new TokenEstimator(Runnable::run), "2023-06-01");
        List<String> sent = new ArrayList<>();
        p.headers(new DefaultHttpHeaders(), (n, v) -> sent.add(n + ": " + v));
        assertEquals(List.of("anthropic-version: 2023-06-01"), sent);
        sent.clear();
        HttpHeaders client = new DefaultHttpHeaders()
                .add("anthropic-version", "2024-01-01")
                .add("anthropic-beta", "prompt-caching-2024-07-31")
                .add("anthropic-beta", "token-efficient-tools-2025-02-19");
        p.headers(client, (n, v) -> sent.add(n + ": " + v));
        assertEquals(
                List.of(
                        "anthropic-version: 2024-01-01",
                        "anthropic-beta: prompt-caching-2024-07-31",
                        "anthropic-beta: token-efficient-tools-2025-02-19"),
                sent);
    }

    private static ByteBuf json(String s) {
        return Unpooled.copiedBuffer(s, UTF_8);
    }
}
