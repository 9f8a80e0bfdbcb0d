package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRecordTest {

    private static RequestRecord record(String requestId, String path, String model, String error) {
        return new RequestRecord(
                0,
                requestId,
                null,
                path,
                model,
                null,
                null,
                List.of(),
                400,
                false,
                -1,
                1,
                0,
                0,
                0,
                false,
                error == null ? null : "invalid_request_error",
                error);
    }

    @Test
    void clientChosenStrings_areCutToTheirBounds() {
        RequestRecord r = record("i".repeat(10_000), "/p".repeat(10_000), "m".repeat(10_000), "e".repeat(100_000));

        assertEquals("i".repeat(RequestRecord.MAX_REQUEST_ID_CHARS) + "...", r.requestId());
        assertEquals(RequestRecord.MAX_PATH_CHARS + 3, r.path().length());
        assertEquals("m".repeat(RequestRecord.MAX_MODEL_CHARS) + "...", r.modelAsked());
        assertEquals(RequestRecord.MAX_ERROR_MESSAGE_CHARS + 3, r.errorMessage().length());
    }

    @Test
    void usualStrings_areKeptAsTheyAre() {
        String id = "req_0123456789abcdef0123456789abcdef";
        String path = "/chat/completions";
        RequestRecord r = record(id, path, "gpt-4o", null);

        assertSame(id, r.requestId());
        assertSame(path, r.path());
        assertEquals("gpt-4o", r.modelAsked());
        assertEquals(null, r.errorMessage());
    }
}
