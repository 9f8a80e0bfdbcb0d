package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.trace.ExchangeTrace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class UpstreamRequestHeadTest {

    private static String encode(String path, HttpHeaders client, String authorization) {
        return HeadText.of(UpstreamRequestHead.encode(
                UnpooledByteBufAllocator.DEFAULT, path, client, "api.example.com", 42, "req_1", authorization));
    }

    @Test
    void encode_keepsEndToEndHeadersInOrder_dropsHopByHopAndClientOnlyInAnyCase_thenTheGatewaysOwn() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("Host", "gateway:8100")
                .add("Authorization", "Bearer sk-client")
                .add("X-Trace", "a")
                .add("Connection", "keep-alive, X-Hop-Custom")
                .add("KEEP-ALIVE", "timeout=5")
                .add("x-hop-custom", "gone")
                .add("Content-Type", "application/json")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "h2c")
                .add("Content-Length", "12")
                .add("accept-encoding", "gzip")
                .add("Cookie", "s=1")
                .add("Expect", "100-continue")
                .add("API-Key", "k1")
                .add("x-api-key", "k2")
                .add("OpenAI-Organization", "org")
                .add("openai-project", "p")
                .add("X-Request-Id", "r1")
                .add("Proxy-Authorization", "Basic x")
                .add("x-trace", "b")
                .add("OpenAI-Beta", "assistants=v2");

        assertEquals(
                "POST /v1/chat/completions?x=1 HTTP/1.1\r\n"
                        + "X-Trace: a\r\nContent-Type: application/json\r\nx-trace: b\r\nOpenAI-Beta: assistants=v2\r\n"
                        + "host: api.example.com\r\ncontent-length: 42\r\naccept-encoding: identity\r\nx-request-id: req_1\r\n"
                        + "authorization: Bearer sk-upstream\r\n\r\n",
                encode("/v1/chat/completions?x=1", from, "Bearer sk-upstream"));
    }

    @Test
    void encode_theDialectsHeadersFollowTheClients_andAnthropicsComeFromTheDialectOnly() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("X-Trace", "a")
                .add("anthropic-version", "2023-01-01")
                .add("Anthropic-Beta", "tools-2024")
                .add("x-api-key", "sk-client");
        ProviderDialect dialect = new StubDialect() {
            @Override
            public void headers(HttpHeaders client, BiConsumer<String, String> out) {
                out.accept("anthropic-version", client.get("anthropic-version"));
            }
        };

        assertEquals(
                "POST /v1/messages HTTP/1.1\r\nX-Trace: a\r\nanthropic-version: 2023-01-01\r\n"
                        + "host: api.example.com\r\ncontent-length: 42\r\naccept-encoding: identity\r\n"
                        + "x-request-id: req_1\r\nx-api-key: sk-provider\r\n\r\n",
                HeadText.of(UpstreamRequestHead.encode(
                        UnpooledByteBufAllocator.DEFAULT,
                        "/v1/messages",
                        from,
                        "api.example.com",
                        42,
                        "req_1",
                        "x-api-key",
                        "sk-provider",
                        dialect,
                        ExchangeTrace.OFF)));
    }

    @Test
    void encode_withoutAKey_sendsNoAuthorization_andWritesOtherCharactersAsNettyDoes() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("X-Note", "caf\u00e9 \u4e2d"); // the decoder reads header bytes as ISO-8859-1

        assertEquals(
                "POST /chat/completions HTTP/1.1\r\nX-Note: caf\u00e9 ?\r\nhost: api.example.com\r\n"
                        + "content-length: 42\r\naccept-encoding: identity\r\nx-request-id: req_1\r\n\r\n",
                encode("/chat/completions", from, null));
    }

    @Test
    void encode_aTargetThatWouldSplitTheRequestLine_isRefused() {
        HttpHeaders none = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        for (String bad : new String[] {"/v1/chat completions", "/v1/x\r\nX-Injected: 1", "/v1\n"}) {
            assertThrows(IllegalArgumentException.class, () -> encode(bad, none, null), bad);
        }
    }

    /** A dialect whose only part in writing a head is {@link ProviderDialect#headers}. */
    private abstract static class StubDialect implements ProviderDialect {
        @Override
        public String target(String basePath, String pathSuffix, String alias) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String keyHeader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String keyValue(String apiKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean streams(HttpHeaders answer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean resizes(boolean stream, RequestFacts facts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
            throw new UnsupportedOperationException();
        }
    }
}
