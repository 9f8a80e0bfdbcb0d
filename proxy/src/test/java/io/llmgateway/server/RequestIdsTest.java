package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void generate_req_then32LowerCaseHexDigits_neverTheSameTwice() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertTrue(id.matches("req_[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), id);
        }
    }

    @Test
    void of_takesASaneClientId_inAnyCaseOfTheName_elseGenerates() {
        assertEquals("abc-123", RequestIds.of(new DefaultHttpHeaders().set("X-Request-ID", "abc-123")));
        assertTrue(RequestIds.of(new DefaultHttpHeaders().set("x-request-id", "has space"))
                .startsWith("req_"));
        assertTrue(RequestIds.of(new DefaultHttpHeaders()).startsWith("req_"));
    }
}
