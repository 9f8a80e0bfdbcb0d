package io.llmgateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class OpenAiDialectsTest {
    private static final OpenAiClientDialect CLIENT = OpenAiClientDialect.INSTANCE;
    private static final OpenAiProviderDialect PROVIDER =
            new OpenAiProviderDialect(new TokenEstimator(ForkJoinPool.commonPool()));
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void read_givesTheFacts_andRejectsWhatIsNotARequest() throws Exception {
        ByteBuf body = utf8("{\"model\":\"m\",\"stream\":true,\"max_tokens\":5,\"messages\":[]}");
        try {
            RequestFacts facts = CLIENT.read(body);
            assertEquals("m", facts.model());
            assertTrue(facts.stream());
            assertFalse(facts.clientIncludeUsage());
            assertEquals(5, facts.maxTokens());
        } finally {
            body.release();
        }
        ByteBuf bad = utf8("[]");
        try {
            assertThrows(BadRequestException.class, () -> CLIENT.read(bad));
        } finally {
            bad.release();
        }
    }

    @Test
    void errors_haveOpenAisShape() {
        FullHttpResponse r = CLIENT.error(ALLOC, 404, "no \"such\" model", "model", "model_not_found");
        try {
            assertEquals(404, r.status().code());
            assertEquals(
                    "{\"error\":{\"message\":\"no \\\"such\\\" model\",\"type\":\"not_found_error\","
                            + "\"param\":\"model\",\"code\":\"model_not_found\"}}",
                    r.content().toString(StandardCharsets.UTF_8));
        } finally {
            r.release();
        }
        assertEquals(
                "data: {\"error\":{\"message\":\"broke\",\"type\":\"upstream_error\",\"param\":null,"
                        + "\"code\":\"c\"}}\n\n",
                text(CLIENT.errorEvent(ALLOC, "broke", "c")));
        assertEquals(OpenAiErrors.UPSTREAM, CLIENT.errorType(502));
    }

    @Test
    void isError_onlyForAJsonObject() {
        ByteBuf json = utf8("  {\"error\":{}}");
        ByteBuf html = utf8("<html>");
        try {
            assertTrue(CLIENT.isError("application/json; charset=utf-8", json));
            assertFalse(CLIENT.isError("text/html", json));
            assertFalse(CLIENT.isError(null, json));
            assertFalse(CLIENT.isError("application/json", html));
        } finally {
            json.release();
            html.release();
        }
    }

    @Test
    void provider_targetKeyAndBody() throws Exception {
        assertEquals("/openai/v1/chat/completions", PROVIDER.target("/openai/v1", "/chat/completions", "alias"));
        assertEquals("authorization", PROVIDER.keyHeader());
        assertEquals("Bearer sk-1", PROVIDER.keyValue("sk-1"));

        ByteBuf body = utf8("{\"model\":\"m\",\"stream\":true}");
        try {
            RequestFacts facts = CLIENT.read(body);
            String sent = text(PROVIDER.body(ALLOC, body, facts, "alias"));
            assertTrue(sent.contains("\"model\":\"alias\""), sent);
            assertTrue(sent.contains("\"include_usage\":true"), sent); // asked for the client, taken out again
            assertTrue(PROVIDER.resizes(true, facts));
            assertFalse(PROVIDER.resizes(false, facts)); // a JSON answer goes as the provider sent it
        } finally {
            body.release();
        }
    }

    @Test
    void provider_tapsJsonAndSse() throws Exception {
        DefaultHttpHeaders sse = new DefaultHttpHeaders();
        sse.set("content-type", "Text/Event-Stream; charset=utf-8");
        assertTrue(PROVIDER.streams(sse));
        assertFalse(PROVIDER.streams(new DefaultHttpHeaders().set("content-type", "application/json")));

        ByteBuf body = utf8("{\"model\":\"m\"}");
        try {
            RequestFacts facts = CLIENT.read(body);
            AnswerTap json = PROVIDER.tap(false, facts, null);
            assertInstanceOf(JsonUsageTap.class, json);
            ByteBuf chunk = utf8("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
            assertSame(chunk, json.onChunk(chunk));
            chunk.release();
            assertEquals(3, json.usage().totalTokens());
            assertFalse(json.onEnd().isReadable());
            assertNull(json.capturedText());

            AnswerTap stream = PROVIDER.tap(true, facts, null);
            assertInstanceOf(SseTap.class, stream);
            stream.release();
        } finally {
            body.release();
        }
    }
}
