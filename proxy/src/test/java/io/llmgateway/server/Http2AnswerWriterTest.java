package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The head of a provider's answer on an HTTP/2 stream, from the provider's HTTP/1.1 head. */
class Http2AnswerWriterTest {
    private static HttpHeaders provider() {
        return DefaultHttpHeadersFactory.headersFactory()
                .newHeaders()
                .add("Content-Type", "application/json")
                .add("Content-Length", "999")
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "hop-by-hop")
                .add("Keep-Alive", "timeout=5")
                .add("Openai-Processing-Ms", "7")
                .add("x-request-id", "provider-own-id")
                .add("Server-Timing", "upstream;dur=3");
    }

    @Test
    void relaysTheProvidersEndToEndHeadersInLowerCase_thenTheGatewaysOwn() {
        Http2Headers h = Http2AnswerWriter.headers(
                HttpResponseStatus.OK, provider(), 42, null, "req-1", "gpt-4o", "1.25", 1_500_000, 250_000, "miss");

        List<String> names = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            names.add(e.getKey().toString());
        }
        assertEquals(
                List.of(
                        ":status",
                        "content-type",
                        "openai-processing-ms",
                        "server-timing",
                        "content-length",
                        "x-request-id",
                        "x-gateway-model",
                        "x-gateway-budget-remaining-usd",
                        "server-timing",
                        "x-gateway-cache"),
                names);
        assertEquals("200", h.status().toString());
        assertEquals("42", h.get("content-length").toString());
        assertEquals("req-1", h.get("x-request-id").toString());
        assertEquals(
                List.of("upstream;dur=3", ServerTiming.value(1_500_000, 250_000)),
                h.getAll("server-timing").stream().map(CharSequence::toString).toList());
        assertNull(h.get("x-hop"), "named in the provider's Connection header");
    }

    @Test
    void bodyOfUnknownLength_hasNoContentLength() {
        Http2Headers h = Http2AnswerWriter.headers(
                HttpResponseStatus.OK, provider(), -1, null, "req-2", "gpt-4o", null, 0, 0, null);
        assertNull(h.get("content-length"));
        assertNull(h.get("x-gateway-budget-remaining-usd"));
        assertNull(h.get("x-gateway-cache"));
    }
}
