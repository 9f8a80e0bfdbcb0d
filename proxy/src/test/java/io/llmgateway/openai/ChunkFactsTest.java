package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.protocol.AnswerFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkFactsTest {
    private static void read(AnswerFacts f, String json) {
        byte[] b = json.getBytes(UTF_8);
        ChunkFacts.read(b, b.length, f);
    }

    @Test
    void firstIdAndModel_everyReason_notKeysInsideTexts() {
        AnswerFacts f = new AnswerFacts();
        read(
                f,
                "{\"choices\":[{\"delta\":{\"content\":\"\\\"id\\\":\\\"no\\\" \\\"finish_reason\\\":\\\"no\\\"\"},"
                        + "\"finish_reason\":null}]}");
        assertNull(f.id());
        read(
                f,
                "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":"
                        + "\"call_1\"}]},\"finish_reason\":null}]}");
        read(
                f,
                "{\"id\":\"chatcmpl-2\",\"model\":\"other\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"},"
                        + "{\"index\":1,\"finish_reason\": \"length\"}]}");
        read(f, "{\"choices\":[{\"finish_reason\":\"stop\"}]}");
        assertEquals("chatcmpl-1", f.id());
        assertEquals("gpt-4o", f.model());
        assertEquals(List.of("stop", "length"), f.finishReasons());
    }

    @Test
    void responsesApiEvents_theResponsesIdAndModel() {
        AnswerFacts f = new AnswerFacts();
        read(
                f,
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\","
                        + "\"object\":\"response\",\"model\":\"gpt-4.1\"}}");
        read(f, "{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"msg_1\"}}");
        assertEquals("resp_1", f.id());
        assertEquals("gpt-4.1", f.model());
        assertEquals(List.of(), f.finishReasons());
    }

    @Test
    void unterminatedValues_areNotNoted() {
        AnswerFacts f = new AnswerFacts();
        read(f, "{\"id\":\"cut");
        read(f, "{\"finish_reason\":");
        assertNull(f.id());
        assertEquals(List.of(), f.finishReasons());
    }
}
