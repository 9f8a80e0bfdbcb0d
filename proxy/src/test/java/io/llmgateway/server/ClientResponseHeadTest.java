package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.config.Limits;
import io.llmgateway.route.ModelWindows;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class ClientResponseHeadTest {

    private static String encode(
            HttpResponseStatus status, HttpHeaders provider, ModelWindows windows, boolean keepAlive) {
        return HeadText.of(ClientResponseHead.encode(
                UnpooledByteBufAllocator.DEFAULT,
                status,
                provider,
                321,
                windows,
                keepAlive,
                "req_1",
                "gpt-4o-mini",
                null,
                183_400,
                41_000,
                null));
    }

    @Test
    void encode_keepsEndToEndHeadersInOrder_dropsHopByHopAndReplacedOnesInAnyCase_thenTheGatewaysOwn() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("Content-Type", "application/json")
                .add("Connection", "keep-alive, X-Hop-Custom")
                .add("KEEP-ALIVE", "timeout=5")
                .add("x-hop-custom", "gone")
                .add("Content-Length", "999")
                .add("X-RateLimit-Remaining-Requests", "9")
                .add("x-ratelimit-limit-tokens", "10")
                .add("X-Request-Id", "provider-id")
                .add("x-gateway-model", "spoofed")
                .add("Proxy-Authenticate", "Basic")
                .add("openai-processing-ms", "12")
                .add("Set-Cookie", "a=1")
                .add("set-cookie", "b=2");
        ModelWindows windows = new ModelWindows(100, 99, 600, 5000, 4967, 1500);

        assertEquals(
                "HTTP/1.1 200 OK\r\n"
                        + "Content-Type: application/json\r\nopenai-processing-ms: 12\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n"
                        + "content-length: 321\r\n"
                        + "x-ratelimit-limit-requests: 100\r\nx-ratelimit-remaining-requests: 99\r\n"
                        + "x-ratelimit-reset-requests: 600ms\r\nx-ratelimit-limit-tokens: 5000\r\n"
                        + "x-ratelimit-remaining-tokens: 4967\r\nx-ratelimit-reset-tokens: 1.5s\r\n"
                        + "x-request-id: req_1\r\nx-gateway-model: gpt-4o-mini\r\n"
                        + "server-timing: gw-pre;dur=0.183, gw-post;dur=0.041\r\n\r\n",
                encode(HttpResponseStatus.OK, from, windows, true));
    }

    @Test
    void encode_anotherStatus_noWindows_closing_andCharactersAsNettyWritesThem() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("X-Note", "caf\u00e9 \u4e2d"); // the decoder reads header bytes as ISO-8859-1

        assertEquals(
                "HTTP/1.1 201 Created\r\nX-Note: caf\u00e9 ?\r\ncontent-length: 321\r\n"
                        + "x-request-id: req_1\r\nconnection: close\r\nx-gateway-model: gpt-4o-mini\r\n"
                        + "server-timing: gw-pre;dur=0.183, gw-post;dur=0.041\r\n\r\n",
                encode(HttpResponseStatus.CREATED, from, null, false));
    }

    @Test
    void encode_aChunkedBody_saysSo_andDropsTheProvidersFraming() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("Content-Type", "text/event-stream")
                .add("Transfer-Encoding", "chunked")
                .add("Content-Length", "9");

        String head = HeadText.of(ClientResponseHead.encode(
                UnpooledByteBufAllocator.DEFAULT,
                HttpResponseStatus.OK,
                from,
                -1,
                null,
                true,
                "req_1",
                "gpt-4o",
                null,
                0,
                1_234_567_890,
                null));
        assertEquals(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
                        + "x-request-id: req_1\r\nx-gateway-model: gpt-4o\r\n"
                        + "server-timing: gw-pre;dur=0.000, gw-post;dur=1234.568\r\n\r\n",
                head);
    }

    @Test
    void encode_anUnlimitedPair_isLeftOut() {
        HttpHeaders none = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        ModelWindows requestsOnly = new ModelWindows(100, 1, 59_000, Limits.UNLIMITED, 0, 0);

        assertEquals(
                "HTTP/1.1 200 OK\r\ncontent-length: 321\r\nx-ratelimit-limit-requests: 100\r\n"
                        + "x-ratelimit-remaining-requests: 1\r\nx-ratelimit-reset-requests: 59s\r\n"
                        + "x-request-id: req_1\r\nx-gateway-model: gpt-4o-mini\r\n"
                        + "server-timing: gw-pre;dur=0.183, gw-post;dur=0.041\r\n\r\n",
                encode(HttpResponseStatus.OK, none, requestsOnly, true));
    }

    @Test
    void encode_aProvidersServerTiming_staysAndTheGatewaysFollows() {
        HttpHeaders from = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        from.add("Server-Timing", "db;dur=53, cache;desc=\"hit\"");

        assertEquals(
                "HTTP/1.1 200 OK\r\nServer-Timing: db;dur=53, cache;desc=\"hit\"\r\ncontent-length: 321\r\n"
                        + "x-request-id: req_1\r\nx-gateway-model: gpt-4o-mini\r\n"
                        + "server-timing: gw-pre;dur=0.183, gw-post;dur=0.041\r\n\r\n",
                encode(HttpResponseStatus.OK, from, null, true));
    }
}
