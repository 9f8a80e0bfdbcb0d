package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderPolicyTest {

    @Test
    void stripResponseHeaders_keepsFraming_dropsHopByHop() {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        h.add("Content-Type", "text/event-stream")
                .add("Transfer-Encoding", "chunked")
                .add("Connection", "close, X-Internal")
                .add("x-internal", "1")
                .add("Keep-Alive", "timeout=5")
                .add("x-ratelimit-remaining-requests", "9");

        HeaderPolicy.stripResponseHeaders(h);

        assertEquals(
                List.of("content-type", "transfer-encoding", "x-ratelimit-remaining-requests"),
                h.names().stream().map(String::toLowerCase).sorted().toList());
    }

    @Test
    void relayed_notAProvidersOwnRateLimits_ofEitherFormat() {
        assertEquals(false, HeaderPolicy.relayed("x-ratelimit-remaining-tokens", List.of()));
        assertEquals(false, HeaderPolicy.relayed("Anthropic-RateLimit-Requests-Remaining", List.of()));
        assertEquals(false, HeaderPolicy.relayed("anthropic-ratelimit-output-tokens-reset", List.of()));
        assertEquals(true, HeaderPolicy.relayed("request-id", List.of()));
    }

    @Test
    void connectionListed_namesTheListedHeaders_andNothingForAPlainKeepAliveOrClose() {
        HttpHeaders none = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        assertEquals(List.of(), HeaderPolicy.connectionListed(none));
        for (String plain : List.of("keep-alive", "Keep-Alive", "close", "CLOSE")) {
            HttpHeaders h =
                    DefaultHttpHeadersFactory.headersFactory().newHeaders().add("Connection", plain);
            assertEquals(List.of(), HeaderPolicy.connectionListed(h), plain);
        }
        HttpHeaders listed =
                DefaultHttpHeadersFactory.headersFactory().newHeaders().add("Connection", "keep-alive, X-Internal");
        assertEquals(List.of("keep-alive", "X-Internal"), HeaderPolicy.connectionListed(listed));
        HttpHeaders twoLines = DefaultHttpHeadersFactory.headersFactory()
                .newHeaders()
                .add("Connection", "keep-alive")
                .add("Connection", "x-secret");
        assertEquals(
                List.of("keep-alive", "x-secret"),
                HeaderPolicy.connectionListed(twoLines),
                "a second Connection line is still read after a plain first one");
    }
}
