package io.llmgateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestScannerTest {

    private static RequestInfo scan(String json) throws BadRequestException {
        ByteBuf buf = Unpooled.copiedBuffer(json, UTF_8);
        try {
            RequestInfo info = RequestScanner.scan(buf);
            assertEquals(0, buf.readerIndex(), "body must not be consumed");
            assertEquals(1, buf.refCnt(), "body must not be released");
            return info;
        } finally {
            buf.release();
        }
    }

    private static BadRequestException error(String json) {
        return error(json.getBytes(UTF_8));
    }

    private static BadRequestException error(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return assertThrows(BadRequestException.class, () -> RequestScanner.scan(buf));
        } finally {
            buf.release();
        }
    }

    /** The bytes of the model token, as the rewriter will splice them. */
    private static String modelToken(String json, RequestInfo info) {
        byte[] b = json.getBytes(UTF_8);
        return new String(b, info.modelStart(), info.modelEnd() - info.modelStart(), UTF_8);
    }

    @Test
    void scan_chatRequest() throws Exception {
        String json = "{\"model\":\"gpt-4o\",\"stream\":true,\"max_tokens\":100,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello there\"}]}";
        RequestInfo info = scan(json);
        assertEquals("gpt-4o", info.model());
        assertEquals("\"gpt-4o\"", modelToken(json, info));
        assertTrue(info.stream());
        assertFalse(info.clientIncludeUsage());
        assertEquals(100, info.maxTokens());
        assertEquals(List.of("You are terse.", "Hello there"), info.texts());
        assertEquals(2, info.messageCount());
        assertEquals(0, info.imageParts());
        assertEquals("You are terse.".length() + "Hello there".length(), info.textChars());
    }

    @Test
    void scan_modelOffsetsAfterUnicodeAndEscapes() throws Exception {
        String json = "{\"note\":\"h\u00e9llo \\\"q\\\" \\u00e9 \uD83D\uDE00 \u4e2d\",\"messages\":[],"
                + "\"model\":\"gpt\\u002d4o-\u00e9\"}";
        RequestInfo info = scan(json);
        assertEquals("gpt-4o-\u00e9", info.model());
        assertEquals("\"gpt\\u002d4o-\u00e9\"", modelToken(json, info));
    }

    @Test
    void scan_whitespaceVariantsAndModelNotFirst() throws Exception {
        String json = " \r\n\t{ \"stream\" :\tfalse ,\n \"messages\" : [ ] ,\r\n  \"model\"\t:\n  \"m-1\"  \n}\n ";
        RequestInfo info = scan(json);
        assertEquals("m-1", info.model());
        assertEquals("\"m-1\"", modelToken(json, info));
        assertFalse(info.stream());
        assertEquals(-1, info.maxTokens());
    }

    @Test
    void scan_offsetsRelativeToReaderIndexOfSlicedAndDirectBuffers() throws Exception {
        String json = "{\"a\":[1,2],\"model\":\"x\u00e9\"}";
        byte[] bytes = ("garbage" + json).getBytes(UTF_8);
        ByteBuf heap = Unpooled.wrappedBuffer(bytes).skipBytes("garbage".length());
        ByteBuf slice = Unpooled.wrappedBuffer(bytes).slice(3, bytes.length - 3).skipBytes("bage".length());
        ByteBuf direct =
                PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes).skipBytes(7);
        try {
            for (ByteBuf b : List.of(heap, slice, direct)) {
                int reader = b.readerIndex();
                RequestInfo info = RequestScanner.scan(b);
                assertEquals(reader, b.readerIndex());
                byte[] token = new byte[info.modelEnd() - info.modelStart()];
                b.getBytes(b.readerIndex() + info.modelStart(), token);
                assertEquals("\"x\u00e9\"", new String(token, UTF_8));
            }
        } finally {
            heap.release();
            slice.release();
            direct.release();
        }
        assertEquals(0, direct.refCnt());
    }

    @Test
    void scan_nestedModelKeyIsNotTheModel() throws Exception {
        String json = "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"model\":{\"type\":\"string\"}}}}}],\"model\":\"real\"}";
        RequestInfo info = scan(json);
        assertEquals("real", info.model());
        String tools = json.substring(json.indexOf('['), json.indexOf(",\"model\":\"real\""));
        assertEquals(List.of(tools), info.texts(), "tool definitions are counted as their JSON text");
    }

    @Test
    void scan_completionsPromptArrayAndTokenArrays() throws Exception {
        RequestInfo info = scan("{\"model\":\"davinci-002\",\"prompt\":[\"one\",\"two\"],\"max_tokens\":7}");
        assertEquals(List.of("one", "two"), info.texts());
        assertEquals(7, info.maxTokens());
        RequestInfo tokens = scan("{\"model\":\"m\",\"prompt\":[[1,2,3],[4,5]]}");
        assertEquals(5, tokens.extraTokens());
        assertTrue(tokens.texts().isEmpty());
        assertEquals(
                List.of("single"),
                scan("{\"model\":\"m\",\"prompt\":\"single\"}").texts());
    }

    @Test
    void scan_embeddingsInputArray() throws Exception {
        RequestInfo info = scan("{\"input\":[\"alpha\",\"beta\",\"gamma\"],\"model\":\"text-embedding-3-small\"}");
        assertEquals(List.of("alpha", "beta", "gamma"), info.texts());
        assertEquals(0, info.messageCount());
        assertEquals(
                List.of("one string"),
                scan("{\"model\":\"e\",\"input\":\"one string\"}").texts());
        assertEquals(3, scan("{\"model\":\"e\",\"input\":[10,11,12]}").extraTokens());
    }

    @Test
    void scan_responsesInputItemsWithImages() throws Exception {
        String b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg";
        String json = "{\"model\":\"gpt-4.1\",\"instructions\":\"Be brief.\",\"max_output_tokens\":50,\"input\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64," + b64 + "\"}]},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"42 degrees\"}]}";
        RequestInfo info = scan(json);
        assertEquals(List.of("Be brief.", "What is this?", "42 degrees"), info.texts());
        assertEquals(1, info.imageParts());
        assertEquals(2, info.messageCount());
        assertEquals(50, info.maxTokens());
    }

    @Test
    void scan_imagePartsAreCountedNotTheirData() throws Exception {
        String b64 = "A".repeat(5000);
        String json = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"image_url\":{\"url\":\"data:image/jpeg;base64," + b64 + "\",\"detail\":\"high\"},"
                + "\"type\":\"image_url\"},"
                + "{\"type\":\"text\",\"text\":\"describe\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}";
        RequestInfo info = scan(json);
        assertEquals(2, info.imageParts());
        assertEquals(List.of("describe"), info.texts());
        assertTrue(info.textChars() < 100);
    }

    @Test
    void scan_systemAndFunctionsAndToolCallsCounted() throws Exception {
        String json = "{\"model\":\"m\",\"system\":[{\"type\":\"text\",\"text\":\"sys\"}],"
                + "\"functions\":[{\"name\":\"f\"}],\"messages\":[{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"1\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}]}";
        RequestInfo info = scan(json);
        assertEquals(
                List.of(
                        "sys",
                        "[{\"name\":\"f\"}]",
                        "[{\"id\":\"1\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]"),
                info.texts());
    }

    @Test
    void scan_maxTokensVariantsTakeTheLargest() throws Exception {
        assertEquals(9, scan("{\"model\":\"m\",\"max_completion_tokens\":9}").maxTokens());
        assertEquals(
                30,
                scan("{\"model\":\"m\",\"max_tokens\":30,\"max_completion_tokens\":9}")
                        .maxTokens());
        assertEquals(-1, scan("{\"model\":\"m\",\"max_tokens\":null}").maxTokens());
    }

    @Test
    void scan_streamOptions() throws Exception {
        RequestInfo yes = scan("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertTrue(yes.clientIncludeUsage());
        assertTrue(yes.usageEditStart() < 0, "nothing to inject");
        RequestInfo no = scan("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}");
        assertFalse(no.clientIncludeUsage());
        assertTrue(scan("{\"model\":\"m\",\"stream\":null}").usageEditStart() >= 0);
    }

    @Test
    void scan_bodyNotJson_parseError() {
        for (String body : List.of(
                "",
                "hello",
                "{\"model\":\"m\"",
                "[{\"model\":\"m\"}]",
                "\"m\"",
                "null",
                "{\"model\":\"m\",}",
                "{'model':'m'}")) {
            BadRequestException e = error(body);
            assertTrue(e.message().startsWith("We could not parse the JSON body"), body);
            assertNull(e.param(), body);
        }
    }

    @Test
    void scan_trailingGarbage_parseError() {
        for (String body :
                List.of("{\"model\":\"m\"} x", "{\"model\":\"m\"}{}", "{\"model\":\"m\"}}", "{\"model\":\"m\"} 1")) {
            assertTrue(error(body).message().startsWith("We could not parse"), body);
        }
    }

    @Test
    void scan_invalidUtf8_parseError() {
        byte[] prefix = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(UTF_8);
        byte[][] bad = {
            {(byte) 0xC3},
            {(byte) 0xFF},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80}
        };
        for (byte[] b : bad) {
            byte[] suffix = "\"}]}".getBytes(UTF_8);
            byte[] body = new byte[prefix.length + b.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(b, 0, body, prefix.length, b.length);
            System.arraycopy(suffix, 0, body, prefix.length + b.length, suffix.length);
            assertTrue(error(body).message().startsWith("We could not parse"));
        }
    }

    @Test
    void scan_missingOrEmptyModel_modelError() {
        for (String body : List.of("{}", "{\"messages\":[]}", "{\"model\":null}", "{\"model\":\"\"}")) {
            BadRequestException e = error(body);
            assertEquals("you must provide a model parameter", e.message(), body);
            assertEquals("model", e.param());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "[\"m\"]", "{\"m\":1}", "1.5"})
    void scan_modelNotString_modelError(String value) {
        BadRequestException e = error("{\"model\":" + value + "}");
        assertEquals("model", e.param());
        assertTrue(e.message().contains("expected a string"), e.message());
    }

    @Test
    void scan_fieldTypeErrors_namedParam() {
        assertEquals("messages", error("{\"model\":\"m\",\"messages\":\"hi\"}").param());
        assertEquals("messages", error("{\"model\":\"m\",\"messages\":{}}").param());
        assertEquals("stream", error("{\"model\":\"m\",\"stream\":\"yes\"}").param());
        assertEquals("stream", error("{\"model\":\"m\",\"stream\":1}").param());
        assertEquals(
                "stream_options",
                error("{\"model\":\"m\",\"stream_options\":[]}").param());
        assertEquals(
                "stream_options.include_usage",
                error("{\"model\":\"m\",\"stream_options\":{\"include_usage\":\"y\"}}")
                        .param());
        assertEquals(
                "max_tokens", error("{\"model\":\"m\",\"max_tokens\":\"5\"}").param());
        assertEquals("max_tokens", error("{\"model\":\"m\",\"max_tokens\":-1}").param());
        assertEquals(
                "max_completion_tokens",
                error("{\"model\":\"m\",\"max_completion_tokens\":99999999999999999999999}")
                        .param());
    }

    @Test
    void scan_duplicateKeys_rejected() {
        assertEquals(
                "model", error("{\"model\":\"cheap\",\"model\":\"expensive\"}").param());
        assertEquals(
                "stream",
                error("{\"model\":\"m\",\"stream\":false,\"stream\":true}").param());
        assertEquals(
                "stream_options",
                error("{\"model\":\"m\",\"stream_options\":{},\"stream_options\":{}}")
                        .param());
    }

    @Test
    void scan_nestingBomb_rejected() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        BadRequestException e = error("{\"model\":\"m\",\"x\":" + deep + "}");
        assertNull(e.param());
        assertTrue(e.message().contains("nested"), e.message());
        // just inside the limit is fine: root object + 62 arrays = depth 63
        String ok = "[".repeat(RequestScanner.MAX_NESTING_DEPTH - 2) + "]".repeat(RequestScanner.MAX_NESTING_DEPTH - 2);
        ByteBuf buf = Unpooled.copiedBuffer("{\"model\":\"m\",\"x\":" + ok + "}", UTF_8);
        try {
            assertEquals("m", RequestScanner.scan(buf).model());
        } catch (BadRequestException ex) {
            throw new AssertionError(ex.message());
        } finally {
            buf.release();
        }
    }

    @Test
    void scan_modelUpTo256BytesOfUtf8_isTaken_longerIsStringAboveMaxLength() throws Exception {
        String ascii = "m".repeat(RequestScanner.MAX_MODEL_BYTES);
        String accented = "\u00e9".repeat(RequestScanner.MAX_MODEL_BYTES / 2); // two bytes each
        String escaped = "\\u0041".repeat(RequestScanner.MAX_MODEL_BYTES); // six bytes as sent, one decoded
        String pairs = "\uD83D\uDE00".repeat(RequestScanner.MAX_MODEL_BYTES / 4); // four bytes each
        assertEquals(ascii, scan("{\"model\":\"" + ascii + "\"}").model());
        assertEquals(accented, scan("{\"model\":\"" + accented + "\"}").model());
        assertEquals(
                "A".repeat(RequestScanner.MAX_MODEL_BYTES),
                scan("{\"model\":\"" + escaped + "\"}").model());
        assertEquals(pairs, scan("{\"model\":\"" + pairs + "\"}").model());

        for (String tooLong : List.of(
                ascii + "m",
                accented + "e",
                escaped + "\\u0041",
                pairs + "x",
                "\u00e9".repeat(RequestScanner.MAX_MODEL_BYTES),
                "m".repeat(20 * 1024 * 1024))) {
            BadRequestException e = error("{\"model\":\"" + tooLong + "\",\"messages\":[]}");
            assertEquals("model", e.param());
            assertEquals("string_above_max_length", e.code());
            assertTrue(e.message().contains("256"), e.message());
            assertTrue(e.message().length() < 200, e.message());
        }
    }

    @Test
    void scan_longModelInADirectBuffer_refusedWithoutReadingPastTheBody() {
        byte[] bytes = ("{\"model\":\"" + "m".repeat(5000) + "\"}").getBytes(UTF_8);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes);
        try {
            BadRequestException e = assertThrows(BadRequestException.class, () -> RequestScanner.scan(direct));
            assertEquals("string_above_max_length", e.code());
        } finally {
            direct.release();
        }
    }

    @Test
    void scan_bodyEndingInsideTheModel_isAParseErrorNotALengthError() {
        BadRequestException e = error("{\"model\":\"gpt-4");
        assertEquals(RequestScanner.PARSE_ERROR, e.message());
        assertNull(e.code());
    }
}
