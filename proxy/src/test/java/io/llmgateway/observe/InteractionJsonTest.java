package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractionJsonTest {

    private static String format(RequestRecord r) {
        return new String(new InteractionJson().format(r).toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void format_clientGoneBeforeAnyByte_hasNullTimeToFirstByte() {
        String line = format(new RequestRecord(0, "req_1", null, "/chat/completions", "gpt-4o", null, null, List.of(),
                0, true, -1, 12, 0, 0, 0, true, "client_closed", "the client closed the connection"));

        Map<?, ?> json = (Map<?, ?>) TestJson.parse(line);
        assertNull(json.get("ttfb_ms"));
        assertTrue(json.containsKey("ttfb_ms"), "every line has every field");
        assertEquals(0L, json.get("status"));
        assertEquals("1970-01-01T00:00:00Z", json.get("time"));
    }

    @Test
    void format_isExactlyOneLine_whateverTheTextsContain() {
        String body = "line one\nline two\r\n\u2028 \"quoted\" \u00e9\u4e2d \uD83D\uDE00";
        String line = format(new RequestRecord(1_700_000_000_123L, "req_2", "team-a", "/chat/completions", "gpt-4o",
                "gpt-4o", "main", List.of(new AttemptRecord("main", "gpt-4o", "ok", 200, 5)), 200, false, 3, 5, 1, 2,
                3, false, null, null, body, body));

        assertTrue(line.endsWith("\n"));
        assertFalse(line.substring(0, line.length() - 1).contains("\n"), line);
        assertFalse(line.contains("\r"), line);
        Map<?, ?> json = (Map<?, ?>) TestJson.parse(line);
        assertEquals(body, json.get("request_body"));
        assertEquals(body, json.get("response_body"));
        assertEquals("team-a", json.get("client_key_id"));
        assertEquals("2023-11-14T22:13:20.123Z", json.get("time"));
    }
}
