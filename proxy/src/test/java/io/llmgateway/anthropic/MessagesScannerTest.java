package io.llmgateway.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesScannerTest {
    private static final String FULL = "{\"model\":\"claude-sonnet\",\"max_tokens\":1024,\"stream\":true,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
            + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Use the tool.\","
            + "\"signature\":\"sig==\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
            + "\"input\":{\"city\":\"Paris\"}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Sunny\"}]},"
            + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"AAAA\"}}]}]}";

    private static MessagesRequest scan(String json, boolean countTokens) throws BadRequestException {
        ByteBuf body = Unpooled.directBuffer().writeBytes(json.getBytes(UTF_8));
        try {
            return MessagesScanner.scan(body, countTokens);
        } finally {
            body.release();
        }
    }

    private static String refusal(String json, boolean countTokens) {
        return assertThrows(BadRequestException.class, () -> scan(json, countTokens))
                .message();
    }

    @Test
    void scan_readsRoutingFieldsAndEveryTextTheModelReads() throws Exception {
        MessagesRequest r = scan(FULL, false);
        assertEquals("claude-sonnet", r.model());
        assertTrue(r.stream());
        assertEquals(1024, r.maxTokens());
        assertEquals(3, r.messageCount());
        assertEquals(1, r.imageParts());
        assertEquals(
                List.of(
                        "Be brief.",
                        "[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]",
                        "Weather in Paris?",
                        "Use the tool.",
                        "get_weather",
                        "{\"city\":\"Paris\"}",
                        "Sunny"),
                r.texts());
        assertEquals("\"claude-sonnet\"", FULL.substring(r.modelStart(), r.modelEnd()));
        assertTrue(r.clientIncludeUsage());
    }

    @Test
    void scan_countTokens_needsNoMaxTokensAndNeverStreams() throws Exception {
        MessagesRequest r = scan("{\"model\":\"m\",\"stream\":true,\"messages\":[]}", true);
        assertEquals(-1, r.maxTokens());
        assertFalse(r.stream());
    }

    @Test
    void scan_missingOrInvalidFields_nameTheField() {
        assertEquals("model: Field required", refusal("{\"max_tokens\":1,\"messages\":[]}", false));
        assertEquals("max_tokens: Field required", refusal("{\"model\":\"m\",\"messages\":[]}", false));
        assertEquals("messages: Field required", refusal("{\"model\":\"m\",\"max_tokens\":5}", false));
        assertEquals(
                "messages: Input should be a valid list",
                refusal("{\"model\":\"m\",\"max_tokens\":5,\"messages\":\"hi\"}", false));
        assertEquals(
                "max_tokens: Input should be a valid integer",
                refusal("{\"model\":\"m\",\"max_tokens\":\"5\",\"messages\":[]}", false));
        assertTrue(refusal("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}", false)
                .startsWith("max_tokens: Input should be greater than or equal to 1"));
        assertEquals(
                "model: Input should be a valid string",
                refusal("{\"model\":7,\"max_tokens\":5,\"messages\":[]}", false));
        assertEquals(
                "stream: Input should be a valid boolean",
                refusal("{\"model\":\"m\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[]}", false));
        assertEquals(
                "messages.1: Input should be a valid dictionary",
                refusal("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{},3]}", false));
        assertEquals(
                "model: duplicate key in the request body",
                refusal("{\"model\":\"a\",\"model\":\"b\",\"max_tokens\":5,\"messages\":[]}", false));
        assertEquals(MessagesScanner.PARSE_ERROR, refusal("{\"model\":", false));
        assertEquals(MessagesScanner.PARSE_ERROR, refusal("[1]", false));
    }

    @Test
    void scan_hugeModel_isRefusedBeforeItIsDecoded() {
        String model = "m".repeat(MessagesScanner.MAX_MODEL_BYTES + 1);
        assertTrue(refusal("{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[]}", false)
                .startsWith("model: String should have at most"));
    }

    @Test
    void scan_invalidUtf8_isRefused() {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, '"', '}'});
        assertThrows(BadRequestException.class, () -> MessagesScanner.scan(body, false));
    }
}
