package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.openai.AzureProviderDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.testing.TestJson;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class MessagesViaChatDialectTest {
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(ForkJoinPool.commonPool());
    private static final OpenAiProviderDialect OPENAI = new OpenAiProviderDialect(ESTIMATOR);
    private static final MessagesViaChatDialect VIA_OPENAI = new MessagesViaChatDialect(OPENAI, ESTIMATOR);
    private static final MessagesViaChatDialect VIA_AZURE =
            new MessagesViaChatDialect(new AzureProviderDialect(OPENAI, "2024-10-21"), ESTIMATOR);

    private record Facts(String model, boolean stream) implements RequestFacts {
        @Override
        public boolean clientIncludeUsage() {
            return false;
        }

        @Override
        public long maxTokens() {
            return 16;
        }

        @Override
        public List<String> texts() {
            return List.of();
        }

        @Override
        public long textChars() {
            return 0;
        }

        @Override
        public int imageParts() {
            return 0;
        }

        @Override
        public int messageCount() {
            return 1;
        }

        @Override
        public long extraTokens() {
            return 0;
        }
    }

    @Test
    void target_isTheProvidersChatCompletions_withoutTheClientsQuery() {
        // Claude Code posts to /v1/messages?beta=true: OpenAI knows no such parameter.
        assertEquals("/v1/chat/completions", VIA_OPENAI.target("/v1", "/messages?beta=true", "gpt-4.1"));
        assertEquals(
                "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                VIA_AZURE.target("/openai", "/messages", "gpt-4o"));
    }

    @Test
    void key_andHeaders_areTheProviders() {
        assertEquals("authorization", VIA_OPENAI.keyHeader());
        assertEquals("Bearer sk-1", VIA_OPENAI.keyValue("sk-1"));
        assertEquals("api-key", VIA_AZURE.keyHeader());
        assertEquals("az-1", VIA_AZURE.keyValue("az-1"));
        HttpHeaders client = new DefaultHttpHeaders()
                .set("anthropic-version", "2023-06-01")
                .set("anthropic-beta", "interleaved-thinking-2025-05-14");
        List<String> written = new ArrayList<>();
        VIA_OPENAI.headers(client, (name, value) -> written.add(name));
        VIA_AZURE.headers(client, (name, value) -> written.add(name));
        assertEquals(List.of(), written, "Anthropic's headers mean nothing to an OpenAI-format provider");
    }

    @Test
    void body_isTheChatRequestForTheAlias_orARefusal() throws Exception {
        ByteBuf in = Unpooled.copiedBuffer(
                "{\"model\":\"claude-sonnet\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                UTF_8);
        try {
            ByteBuf out = VIA_OPENAI.body(ByteBufAllocator.DEFAULT, in, new Facts("claude-sonnet", false), "gpt-4.1");
            try {
                assertEquals("gpt-4.1", TestJson.at(TestJson.parse(out.toString(UTF_8)), "model"));
            } finally {
                out.release();
            }
        } finally {
            in.release();
        }
        ByteBuf refused = Unpooled.copiedBuffer("{\"max_tokens\":8,\"messages\":[],\"mcp_servers\":[]}", UTF_8);
        try {
            BadRequestException e = assertThrows(
                    BadRequestException.class,
                    () -> VIA_OPENAI.body(ByteBufAllocator.DEFAULT, refused, new Facts("m", false), "gpt-4.1"));
            assertEquals("mcp_servers", e.param());
        } finally {
            refused.release();
        }
    }

    @Test
    void answers_areResizedAndTappedByTheTranslatingTaps() {
        Facts facts = new Facts("claude-sonnet", true);
        assertTrue(VIA_OPENAI.resizes(true, facts));
        assertTrue(VIA_OPENAI.resizes(false, facts));
        assertTrue(
                VIA_OPENAI.streams(new DefaultHttpHeaders().set("content-type", "text/event-stream; charset=utf-8")));
        AnswerTap stream = VIA_OPENAI.tap(true, facts, "o200k_base");
        AnswerTap json = VIA_OPENAI.tap(false, facts, null);
        try {
            assertInstanceOf(MessagesViaChatStreamTap.class, stream);
            assertInstanceOf(MessagesViaChatJsonTap.class, json);
        } finally {
            stream.release();
            json.release();
        }
    }
}
