package io.llmgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerScanTest {
    private static AnswerScan scan(String... chunks) {
        AnswerScan s = new AnswerScan();
        for (String c : chunks) {
            ByteBuf b = Unpooled.copiedBuffer(c, StandardCharsets.UTF_8);
            try {
                s.add(b);
            } finally {
                b.release();
            }
        }
        return s;
    }

    @Test
    void openAiJson_idModelFinishReason() {
        AnswerScan s = scan("{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"message\":{\"content\":"
                + "\"say \\\"id\\\": \\\"x\\\"\"},\"finish_reason\":\"stop\"},{\"finish_reason\":\"length\"}]}");
        assertEquals("chatcmpl-1", s.id());
        assertEquals("gpt-4o", s.model());
        assertEquals(List.of("stop", "length"), s.reasons());
    }

    @Test
    void anthropicStream_splitAcrossChunks_nullReasonsSkipped() {
        AnswerScan s = scan(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"i",
                "d\": \"msg_01\",\"model\":\"claude-x\",\"stop_reason\":null}}\n\n",
                "data: {\"type\":\"content_block_start\",\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\"}}\n\n",
                "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_",
                "turn\"}}\n\n");
        assertEquals("msg_01", s.id());
        assertEquals("claude-x", s.model());
        assertEquals(List.of("end_turn"), s.reasons());
    }

    @Test
    void oneByteChunks_sameAsWhole() {
        String answer = "{\"id\":\"chatcmpl-1\",\"model\": \"gpt-4o\",\"choices\":[{\"delta\":{\"content\":"
                + "\"a \\\"model\\\":\\\"no\\\"\"},\"finish_reason\":\"stop\"}]}";
        AnswerScan s = scan(answer.split(""));
        assertEquals("chatcmpl-1", s.id());
        assertEquals("gpt-4o", s.model());
        assertEquals(List.of("stop"), s.reasons());
    }

    @Test
    void keyInsideText_notTaken() {
        AnswerScan s = scan("{\"choices\":[{\"delta\":{\"content\":\"\\\"model\\\":\\\"fake\\\"\"}}]}");
        assertNull(s.model());
        assertNull(s.id());
    }
}
