package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatStreamTapTest.HEAD;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link ChatChunkScanner} finds in the usual chunk events, and the events it leaves to the parser. Events
 * are given as their data (what the SSE framer hands over), in an array longer than the event, as the framer's
 * is.
 */
class ChatChunkScannerTest {
    private byte[] data = {};

    /** The scanner after reading {@code event}, or null when it leaves the event to the parser. */
    private ChatChunkScanner scan(String event) {
        byte[] bytes = event.getBytes(UTF_8);
        data = Arrays.copyOf(bytes, bytes.length + 16);
        Arrays.fill(data, bytes.length, data.length, (byte) '}'); // what lies past the event is not read
        ChatChunkScanner s = new ChatChunkScanner();
        return s.scan(data, bytes.length) ? s : null;
    }

    /** The chunk event data with one choice of {@code delta} and {@code finish} (a JSON value). */
    private static String chunk(String delta, String finish) {
        String event = MessagesViaChatStreamTapTest.chunk(delta, finish);
        return event.substring("data: ".length(), event.length() - 2);
    }

    private static String content(String escaped) {
        return chunk("{\"content\":\"" + escaped + "\"}", "null");
    }

    private String raw(ChatChunkScanner s, int text) {
        return new String(data, s.textStart[text], s.textEnd[text] - s.textStart[text], UTF_8);
    }

    private static String decoded(ChatChunkScanner s, int text) {
        return s.text(s.textStart[text], s.textEnd[text]);
    }

    @Test
    void scan_contentChunk_findsTheTextAndTheNames() {
        ChatChunkScanner s = assertScanned(content("Hello"));
        assertEquals(1, s.texts);
        assertEquals(MessagesViaChatBlocks.Kind.TEXT, s.kinds[0]);
        assertEquals("Hello", raw(s, 0));
        assertEquals("chatcmpl-123", s.found(ChatChunkScanner.ID_SPAN));
        assertEquals("gpt-4o-mini", s.found(ChatChunkScanner.MODEL_SPAN));
        assertNull(s.found(ChatChunkScanner.FINISH_SPAN));
        assertNull(s.found(ChatChunkScanner.STOP_SPAN));
        assertFalse(s.usage);
    }

    @Test
    void scan_escapes_keepsTheEscapedBytesAndDecodesThem() {
        String escaped =
                "a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\\u0000\\u001f\\u00e9\\u2028\\u2029\\ud83d\\ude00\\uD83D\\uDE00";
        ChatChunkScanner s = assertScanned(content(escaped));
        assertEquals(escaped, raw(s, 0), "copied as it is");
        assertEquals("a\"b\\c/d\n\t\r\b\f\u0000\u001f\u00e9\u2028\u2029\uD83D\uDE00\uD83D\uDE00", decoded(s, 0));
    }

    @Test
    void scan_loneSurrogateEscape_isDecodedAsThatChar() {
        ChatChunkScanner s = assertScanned(content("x\\ud800y"));
        assertEquals("x\ud800y", decoded(s, 0));
    }

    @Test
    void scan_unicodeAsUtf8_keepsTheBytesAndDecodesThem() {
        String text = "caf\u00e9 \u4e2d\u6587 \u2028 \uD83D\uDE00 \u0080\u07ff\u0800\uffff";
        ChatChunkScanner s = assertScanned(content(text));
        assertEquals(text, raw(s, 0));
        assertEquals(text, decoded(s, 0));
        assertEquals(text.length(), s.decode(s.textStart[0], s.textEnd[0]));
        assertEquals(text, new String(s.chars(), 0, text.length()));
    }

    @Test
    void scan_emptyContentAndRoleOnly_haveNoText() {
        ChatChunkScanner role =
                assertScanned(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"));
        assertEquals(0, role.texts);
        assertEquals("chatcmpl-123", role.found(ChatChunkScanner.ID_SPAN));
        assertEquals(0, assertScanned(chunk("{\"role\":\"assistant\"}", "null")).texts);
        assertEquals(0, assertScanned(chunk("{}", "null")).texts);
        assertEquals(0, assertScanned(chunk("{\"content\":null,\"tool_calls\":null}", "null")).texts);
    }

    @Test
    void scan_finishChunk_findsTheFinishReason() {
        ChatChunkScanner s = assertScanned(chunk("{}", "\"length\""));
        assertEquals("length", s.found(ChatChunkScanner.FINISH_SPAN));
        assertEquals(0, s.texts);
        ChatChunkScanner vllm =
                assertScanned(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"END\"}]}");
        assertEquals("END", vllm.found(ChatChunkScanner.STOP_SPAN));
        ChatChunkScanner tokenStop =
                assertScanned(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":128009}]}");
        assertNull(tokenStop.found(ChatChunkScanner.STOP_SPAN), "a stop token id is not a stop sequence");
    }

    @Test
    void scan_usageChunk_readsTheCounters() {
        String event = MessagesViaChatStreamTapTest.usage(19, 10, 3);
        ChatChunkScanner s = assertScanned(event.substring(6, event.length() - 2));
        assertTrue(s.usage);
        assertEquals(19, s.prompt);
        assertEquals(10, s.completion);
        assertEquals(29, s.total);
        assertEquals(3, s.cached);
        MessagesViaChatAnswer answer = new MessagesViaChatAnswer();
        assertTrue(s.usageTo(answer));
        assertEquals(19, answer.usage().promptTokens());
        assertEquals(3, answer.usage().cacheReadTokens());
    }

    @Test
    void scan_usageCountersOfOtherShapes_areReadAsTheParserPathReadsThem() {
        ChatChunkScanner s = assertScanned("{\"choices\":[],\"usage\":{\"prompt_tokens\":-4,\"completion_tokens\":2.0,"
                + "\"total_tokens\":{\"x\":7},\"prompt_tokens_details\":{\"cached_tokens\":[5]},\"other\":9,"
                + "\"completion_tokens\":3}}");
        assertEquals(0, s.prompt, "negative: 0");
        assertEquals(3, s.completion, "the last integer of a key");
        assertEquals(-1, s.total, "a number inside an object is not the key's");
        assertEquals(-1, s.cached);
        assertFalse(assertScanned("{\"choices\":[],\"usage\":null}").usage);
    }

    @Test
    void scan_membersInAnotherOrder_findsTheSame() {
        ChatChunkScanner s =
                assertScanned("{\"usage\":null,\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":"
                        + "\"Hi\",\"role\":\"assistant\"},\"index\":0}],\"model\":\"m\",\"object\":\"chat.completion.chunk\","
                        + "\"id\":\"x\"}");
        assertEquals("Hi", raw(s, 0));
        assertNull(s.found(ChatChunkScanner.ID_SPAN), "names after the first text do not name the message");
        assertNull(s.found(ChatChunkScanner.MODEL_SPAN));
        ChatChunkScanner finishFirst = assertScanned(
                "{\"id\":\"x\",\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"!\"}}]}");
        assertEquals("stop", finishFirst.found(ChatChunkScanner.FINISH_SPAN));
        assertEquals("!", raw(finishFirst, 0));
        assertEquals("x", finishFirst.found(ChatChunkScanner.ID_SPAN));
    }

    @Test
    void scan_whitespaceAnywhere_isSkipped() {
        ChatChunkScanner s =
                assertScanned(" \t\r\n{ \"id\" : \"a\" ,\n\t\"choices\" :\r\n[ { \"index\" : 0 , \"delta\" :"
                        + " { \"content\" : \" spaced \" } , \"finish_reason\" : null } ] , \"usage\" : { \"prompt_tokens\" : 1 "
                        + "} }\n \t");
        assertEquals(" spaced ", raw(s, 0));
        assertEquals(1, s.prompt);
        assertEquals("a", s.found(ChatChunkScanner.ID_SPAN));
    }

    @Test
    void scan_reasoningAndContent_areTextsInTheirOrder() {
        ChatChunkScanner s = assertScanned(
                chunk("{\"reasoning_content\":\"think\",\"content\":\"say\",\"reasoning\":\"more\"}", "null"));
        assertEquals(3, s.texts);
        assertEquals(
                List.of(
                        MessagesViaChatBlocks.Kind.THINKING,
                        MessagesViaChatBlocks.Kind.TEXT,
                        MessagesViaChatBlocks.Kind.THINKING),
                Arrays.asList(s.kinds).subList(0, 3));
        assertEquals("say", raw(s, 1));
    }

    @Test
    void scan_unknownMembers_areSkipped() {
        ChatChunkScanner s = assertScanned("{\"id\":\"c\",\"obfuscation\":\"Zx\\u00e9\",\"service_tier\":\"default\","
                + "\"created\":1735689600,\"n\":-0.5e-3,\"e\":1E+2,\"z\":0,\"t\":true,\"f\":false,\"nested\":{\"a\":[[],{},"
                + "[1,[2,{\"b\":null}]]]},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\",\"function_call\":{}},"
                + "\"logprobs\":{\"content\":[{\"token\":\"ok\",\"logprob\":-0.01,\"bytes\":[111,107],"
                + "\"top_logprobs\":[]}]},\"finish_reason\":null}]}");
        assertEquals("ok", raw(s, 0));
        assertEquals(1, s.texts, "logprobs' content is not the delta's");
    }

    @Test
    void scan_nextEvent_forgetsTheLastOne() {
        ChatChunkScanner s = new ChatChunkScanner();
        byte[] first = MessagesViaChatStreamTapTest.usage(1, 2, 0).substring(6).getBytes(UTF_8);
        byte[] second = content("x").getBytes(UTF_8);
        assertTrue(s.scan(first, first.length - 2));
        assertTrue(s.scan(second, second.length));
        assertFalse(s.usage);
        assertEquals(-1, s.prompt);
        assertEquals(1, s.texts);
    }

    @Test
    void scan_eventsTheParserReads() {
        List<String> parserOnly = List.of(
                chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", "null"),
                chunk("{\"tool_calls\":[]}", "null"),
                chunk("{\"refusal\":\"I can't\"}", "null"),
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
                "{\"error\":\"boom\"}",
                HEAD + "{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
                HEAD + "1]}",
                "{\"choices\":[],\"choices\":[]}",
                "{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"a\"}}]}",
                "{\"id\":42,\"choices\":[]}",
                "{\"model\":{\"name\":\"m\"}}",
                "{\"usage\":[1]}",
                "{\"usage\":{\"prompt_tokens\":1234567890123456789}}",
                chunk(
                        "{\"content\":\"1\",\"content\":\"2\",\"content\":\"3\",\"content\":\"4\",\"content\":\"5\"}",
                        "null"),
                "{\"" + "k".repeat(65) + "\":1}",
                "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}");
        for (String event : parserOnly) {
            assertNull(scan(event), event);
        }
    }

    @Test
    void scan_malformedEvents_areLeftToTheParser() {
        List<String> malformed = List.of(
                "",
                "   ",
                "42",
                "[]",
                "\"x\"",
                "null",
                "{\"choices\":[]} {\"x\":1}",
                "{\"choices\":[]}x",
                "{\"choices\":[{\"delta\":{\"content\":\"a\"}}",
                "{\"choices\":[",
                "{\"a\":01}",
                "{\"a\":1.}",
                "{\"a\":.5}",
                "{\"a\":-}",
                "{\"a\":+1}",
                "{\"a\":1e}",
                "{\"a\":1x}",
                "{\"a\":NaN}",
                "{\"a\":nul}",
                "{\"a\":tru}",
                "{\"a\":nullx}",
                "{\"a\":'x'}",
                "{a:1}",
                "{\"a\":1,}",
                "{\"a\":[1,]}",
                "{\"a\":[1 2]}",
                "{\"a\" 1}",
                "{\"a\":1 /* c */}",
                "{\"a\":\"tab\there\"}",
                "{\"a\":\"nl\nhere\"}",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}",
                "{\"a\":\"\\u12g4\"}",
                "{\"a\":\"open}",
                "{\"a\":\"x\\\"}");
        for (String event : malformed) {
            assertNull(scan(event), event);
        }
    }

    @Test
    void scan_invalidUtf8_isLeftToTheParser() {
        byte[][] bad = {
            {(byte) 0x80}, // a continuation byte alone
            {(byte) 0xC0, (byte) 0xAF}, // overlong
            {(byte) 0xC3}, // cut
            {(byte) 0xE4, (byte) 0xB8}, // cut
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
            {(byte) 0xFF}
        };
        String text = content("@");
        List<List<String>> around = List.of(
                List.of(text.substring(0, text.indexOf('@')), text.substring(text.indexOf('@') + 1)),
                List.of("{\"", "\":1}"),
                List.of("{\"x\":\"", "\"}"));
        for (byte[] b : bad) {
            for (List<String> where : around) {
                byte[] head = where.get(0).getBytes(UTF_8);
                byte[] tail = where.get(1).getBytes(UTF_8);
                byte[] event = new byte[head.length + b.length + tail.length];
                System.arraycopy(head, 0, event, 0, head.length);
                System.arraycopy(b, 0, event, head.length, b.length);
                System.arraycopy(tail, 0, event, head.length + b.length, tail.length);
                assertFalse(new ChatChunkScanner().scan(event, event.length), where + " " + Arrays.toString(b));
            }
        }
        byte[] outside = "{\"a\":1\u00a0}".getBytes(UTF_8);
        assertFalse(new ChatChunkScanner().scan(outside, outside.length), "non-ASCII outside strings");
    }

    @Test
    void scan_shortEventInALongerArray_readsOnlyTheEvent() {
        byte[] event = content("Hello").getBytes(UTF_8);
        assertFalse(new ChatChunkScanner().scan(event, event.length - 1), "cut before its last brace");
        byte[] padded = Arrays.copyOf(event, event.length + 3);
        assertTrue(new ChatChunkScanner().scan(padded, event.length));
        assertArrayEquals(event, Arrays.copyOf(padded, event.length));
    }

    private ChatChunkScanner assertScanned(String event) {
        ChatChunkScanner s = scan(event);
        assertNotNull(s, event);
        return s;
    }
}
