package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderPolicyTest {

    @Test
    void copyRequestHeaders_keepsEndToEndHeadersInOrder_dropsHopByHopAndClientOnlyInAnyCase() {
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
        HttpHeaders to = DefaultHttpHeadersFactory.headersFactory().newHeaders();

        HeaderPolicy.copyRequestHeaders(from, to);

        List<String> copied = new ArrayList<>();
        for (Map.Entry<String, String> h : to) {
            copied.add(h.getKey() + ": " + h.getValue());
        }
        assertEquals(List.of("X-Trace: a", "Content-Type: application/json", "x-trace: b",
                "OpenAI-Beta: assistants=v2"), copied);
    }

    @Test
    void stripResponseHeaders_keepsFraming_dropsHopByHop() {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        h.add("Content-Type", "text/event-stream").add("Transfer-Encoding", "chunked")
                .add("Connection", "close, X-Internal").add("x-internal", "1").add("Keep-Alive", "timeout=5")
                .add("x-ratelimit-remaining-requests", "9");

        HeaderPolicy.stripResponseHeaders(h);

        assertEquals(List.of("content-type", "transfer-encoding", "x-ratelimit-remaining-requests"),
                h.names().stream().map(String::toLowerCase).sorted().toList());
    }
}
