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
        h.add("Content-Type", "text/event-stream").add("Transfer-Encoding", "chunked")
                .add("Connection", "close, X-Internal").add("x-internal", "1").add("Keep-Alive", "timeout=5")
                .add("x-ratelimit-remaining-requests", "9");

        HeaderPolicy.stripResponseHeaders(h);

        assertEquals(List.of("content-type", "transfer-encoding", "x-ratelimit-remaining-requests"),
                h.names().stream().map(String::toLowerCase).sorted().toList());
    }
}
