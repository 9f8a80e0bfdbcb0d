package io.llmgateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShapesTest {
    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void chatStream_withToolCallsInPieces_isAssembledIntoOneCompletion() {
        String stream = "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                + "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{\\\"a\\\"\"}}]},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c9\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c9\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n";
        ByteBuf b = buf(stream);
        StoredForms forms = ChatShapes.fromStream(b, new Usage(3, 4, 7, false));
        b.release();
        assertNotNull(forms);
        assertEquals(
                "{\"id\":\"c9\",\"object\":\"chat.completion\",\"created\":5,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":[{\"id\":"
                        + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                        + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":3,"
                        + "\"completion_tokens\":4,\"total_tokens\":7}}",
                text(forms.json()));
        assertTrue(text(forms.streamUsage()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":3"));
        assertEquals("data: [DONE]\n\n", text(forms.streamEnd()));
    }

    @Test
    void chatStream_withoutDone_orWithASecondChoice_isNotStored() {
        String chunk = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n";
        ByteBuf cut = buf(chunk);
        assertNull(ChatShapes.fromStream(cut, new Usage(1, 1, 2, false)));
        cut.release();
        ByteBuf two = buf(chunk.replace("\"index\":0", "\"index\":1") + "data: [DONE]\n\n");
        assertNull(ChatShapes.fromStream(two, new Usage(1, 1, 2, false)));
        two.release();
    }

    @Test
    void chatJson_withLogprobsOrWithoutUsage_isNotStored() {
        assertNull(ChatShapes.fromJson(("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"logprobs\":"
                        + "{\"content\":[]},\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":1}}")
                .getBytes(StandardCharsets.UTF_8)));
        assertNull(ChatShapes.fromJson(
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void messagesStream_withoutMessageStop_isNotStored_andAnErrorEventNever() {
        String start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":"
                + "{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";
        ByteBuf cut = buf(start);
        assertNull(MessageShapes.fromStream(cut));
        cut.release();
        ByteBuf error = buf(start + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"x\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertNull(MessageShapes.fromStream(error));
        error.release();
        ByteBuf whole = buf(start + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        StoredForms forms = MessageShapes.fromStream(whole);
        whole.release();
        assertNotNull(forms);
        assertEquals(
                "{\"id\":\"msg\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":"
                        + "\"text\",\"text\":\"Hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":"
                        + "{\"input_tokens\":3,\"output_tokens\":2}}",
                text(forms.json()));
    }
}
