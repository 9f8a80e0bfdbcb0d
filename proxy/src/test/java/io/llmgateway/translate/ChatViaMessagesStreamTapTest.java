package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.TestJson;
import io.llmgateway.testing.TestSse;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Fixtures: the Messages API's documented stream (event names, ping, thinking with signature, tool use, errors). */
class ChatViaMessagesStreamTapTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);
    private static final String ENC = "o200k_base";
    private static final long CREATED = 1_700_000_000L;

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    static final String MESSAGE_START = event(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":100,"
                    + "\"cache_read_input_tokens\":2000,\"output_tokens\":1}}}");

    /** Thinking with its signature, text, then two tool_use blocks whose input comes in fragments. */
    static final String THINK_TEXT_TWO_TOOLS = MESSAGE_START
            + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
            + event("ping", "{\"type\": \"ping\"}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me check the weather.\"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"I'll check \"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"both \\\"cities\\\" \u00e9\u4e2d \uD83D\uDE00\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
            + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01A\",\"name\":\"get_weather\",\"input\":{}}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"Paris\\\"}\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
            + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01B\",\"name\":\"get_weather\",\"input\":{}}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\": \\\"Ro\"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"me\\\"}\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":3}")
            + event(
                    "message_delta",
                    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");

    private static final String HEAD = "\"id\":\"msg_01\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
            + ",\"model\":\"claude-sonnet-4-5-20250929\"";

    private static String chunk(String delta, String finish, boolean usageNull) {
        return "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]" + (usageNull ? ",\"usage\":null" : "") + "}";
    }

    private static List<String> expected(boolean includeUsage) {
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null, includeUsage));
        chunks.add(chunk("{\"reasoning_content\":\"Let me check the weather.\"}", null, includeUsage));
        chunks.add(chunk("{\"content\":\"I'll check \"}", null, includeUsage));
        chunks.add(chunk("{\"content\":\"both \\\"cities\\\" \u00e9\u4e2d \uD83D\uDE00\"}", null, includeUsage));
        chunks.add(chunk(
                "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_01A\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                null,
                includeUsage));
        chunks.add(chunk(
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]}",
                null,
                includeUsage));
        chunks.add(chunk(
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" \\\"Paris\\\"}\"}}]}",
                null,
                includeUsage));
        chunks.add(chunk(
                "{\"tool_calls\":[{\"index\":1,\"id\":\"toolu_01B\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                null,
                includeUsage));
        chunks.add(chunk(
                "{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"location\\\": \\\"Ro\"}}]}",
                null,
                includeUsage));
        chunks.add(
                chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"me\\\"}\"}}]}", null, includeUsage));
        chunks.add(chunk("{}", "tool_calls", includeUsage));
        if (includeUsage) {
            chunks.add("{" + HEAD + ",\"choices\":[],\"usage\":{\"prompt_tokens\":2120,\"completion_tokens\":89,"
                    + "\"total_tokens\":2209,\"prompt_tokens_details\":{\"cached_tokens\":2000}}}");
        }
        chunks.add("[DONE]");
        return chunks;
    }

    private record Result(String out, Usage usage, long estimate, String captured) {}

    private static ChatViaMessagesStreamTap tap(boolean includeUsage) {
        return new ChatViaMessagesStreamTap("claude-sonnet", CREATED, includeUsage, ESTIMATOR, ENC);
    }

    /** Feeds {@code stream} cut at {@code cuts}, checking that every buffer is released. */
    private static Result run(ChatViaMessagesStreamTap tap, String stream, int... cuts) {
        byte[] bytes = stream.getBytes(UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<ByteBuf> inputs = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuf in = PooledByteBufAllocator.DEFAULT
                    .directBuffer(Math.max(1, to - from))
                    .writeBytes(bytes, from, to - from);
            inputs.add(in);
            drain(tap.onChunk(in), out);
            from = to;
        }
        drain(tap.onEnd(), out);
        Result r = new Result(out.toString(UTF_8), tap.usage(), tap.completionTokensEstimate(), tap.capturedText());
        tap.release();
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every input is released");
        }
        return r;
    }

    private static void drain(ByteBuf o, ByteArrayOutputStream out) {
        byte[] b = new byte[o.readableBytes()];
        o.getBytes(o.readerIndex(), b);
        out.writeBytes(b);
        o.release();
    }

    private static int[] everyByte(String s) {
        int n = s.getBytes(UTF_8).length;
        int[] cuts = new int[n - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    private static void assertChunks(List<String> expected, String out) {
        List<String> events = TestSse.data(out);
        assertEquals(expected.size(), events.size(), out);
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).equals("[DONE]")) {
                assertEquals("[DONE]", events.get(i));
            } else {
                assertEquals(TestJson.parse(expected.get(i)), TestJson.parse(events.get(i)), "chunk " + i);
            }
        }
    }

    @Test
    void onChunk_thinkingTextTwoTools_chunksWithStableToolIndexesAndUsage() {
        Result r = run(tap(true), THINK_TEXT_TWO_TOOLS);
        assertChunks(expected(true), r.out);
        assertEquals(new Usage(2120, 89, 209, false, 100, 2000), r.usage);
        assertTrue(r.out.endsWith("data: [DONE]\n\n"), r.out);
        assertFalse(r.out.contains("EqQB"), "signatures stay out");
        assertFalse(r.out.contains("event:"), "chunks are data events only");
    }

    /** Regression: every input_json_delta fragment reaches the client, at its tool call's index. */
    @Test
    void onChunk_toolArgumentFragments_assembleToEachCallsInput() {
        List<String> events = TestSse.data(run(tap(false), THINK_TEXT_TWO_TOOLS).out);
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        for (String e : events.subList(0, events.size() - 1)) {
            Object calls = TestJson.at(TestJson.parse(e), "choices", 0, "delta");
            if (calls instanceof Map<?, ?> delta && delta.get("tool_calls") instanceof List<?> list) {
                Map<?, ?> call = (Map<?, ?>) list.get(0);
                int index = ((Long) call.get("index")).intValue();
                args[index].append(((Map<?, ?>) call.get("function")).get("arguments"));
            }
        }
        assertEquals(TestJson.parse("{\"location\":\"Paris\"}"), TestJson.parse(args[0].toString()));
        assertEquals(TestJson.parse("{\"location\":\"Rome\"}"), TestJson.parse(args[1].toString()));
    }

    @Test
    void onChunk_withoutIncludeUsage_noUsageChunkNorUsageNull() {
        Result r = run(tap(false), THINK_TEXT_TWO_TOOLS);
        assertChunks(expected(false), r.out);
        assertFalse(r.out.contains("\"usage\""), r.out);
        assertEquals(new Usage(2120, 89, 209, false, 100, 2000), r.usage, "the gateway's accounting has it anyway");
    }

    @Test
    void onChunk_splitAtEveryByteAndEveryPoint_sameOutput() {
        for (String eol : List.of("\n", "\r\n")) {
            String stream = THINK_TEXT_TWO_TOOLS.replace("\n", eol);
            Result whole = run(tap(true), stream);
            assertChunks(expected(true), whole.out);
            assertEquals(whole, run(tap(true), stream, everyByte(stream)));
            int n = stream.getBytes(UTF_8).length;
            for (int cut = 1; cut < n; cut += 7) {
                assertEquals(whole, run(tap(true), stream, cut), "cut at " + cut);
            }
        }
    }

    @Test
    void completionTokensEstimate_countsTextThinkingAndToolCalls() {
        Result r = run(tap(false), THINK_TEXT_TWO_TOOLS);
        long expected = ESTIMATOR.countText(
                "Let me check the weather.I'll check both \"cities\" \u00e9\u4e2d \uD83D\uDE00get_weather{\"location\":"
                        + " \"Paris\"}get_weather{\"location\": \"Rome\"}",
                ENC);
        assertEquals(expected, r.estimate);
    }

    @Test
    void captureText_keepsTheDeltasUpToTheBound() {
        ChatViaMessagesStreamTap tap = tap(false);
        tap.captureText(20);
        Result r = run(tap, THINK_TEXT_TWO_TOOLS);
        assertEquals("Let me check the wea...[truncated]", r.captured);
    }

    @Test
    void errorEventMidStream_becomesAnOpenAiErrorEvent_andNothingAfter() {
        String stream = MESSAGE_START
                + event(
                        "content_block_start",
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event(
                        "content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}")
                + event(
                        "error",
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
                + event(
                        "content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}");
        Result r = run(tap(true), stream, 100, 301);
        List<String> events = TestSse.data(r.out);
        assertEquals(3, events.size(), r.out);
        assertEquals(TestJson.parse(chunk("{\"content\":\"Hel\"}", null, true)), TestJson.parse(events.get(1)));
        assertEquals(
                TestJson.parse("{\"error\":{\"message\":\"Overloaded\",\"type\":\"upstream_error\",\"param\":null,"
                        + "\"code\":\"overloaded_error\"}}"),
                TestJson.parse(events.get(2)));
        assertNull(r.usage, "no final usage: the exchange estimates");
        assertEquals(ESTIMATOR.countText("Hel", ENC), r.estimate);
    }

    @Test
    void stopReasons_mappedToFinishReasons() {
        Map<String, String> reasons = Map.of(
                "end_turn", "stop",
                "stop_sequence", "stop",
                "max_tokens", "length",
                "tool_use", "tool_calls",
                "refusal", "content_filter");
        reasons.forEach((stop, finish) -> {
            String stream = MESSAGE_START
                    + event(
                            "message_delta",
                            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop
                                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}")
                    + event("message_stop", "{\"type\":\"message_stop\"}");
            List<String> events = TestSse.data(run(tap(false), stream).out);
            assertEquals(finish, TestJson.at(TestJson.parse(events.get(1)), "choices", 0, "finish_reason"), stop);
        });
    }

    /** Fields in another order than the provider's and events without names are read the same. */
    @Test
    void onChunk_unnamedEventsAndAnyFieldOrder_sameChunks() {
        String stream = "data: {\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":1},\"model\":\"claude-x\","
                + "\"id\":\"msg_9\"},\"type\":\"message_start\"}\n\n"
                + "data: {\"content_block\":{\"input\":{},\"name\":\"f\",\"id\":\"t1\",\"type\":\"tool_use\"},\"index\":4,"
                + "\"type\":\"content_block_start\"}\n\n"
                + "data: {\"delta\":{\"partial_json\":\"{}\",\"type\":\"input_json_delta\"},\"index\":4,"
                + "\"type\":\"content_block_delta\"}\n\n"
                + "data: {\"usage\":{\"output_tokens\":7},\"delta\":{\"stop_reason\":\"tool_use\"},\"type\":\"message_delta\"}\n\n"
                + "data: {\"type\":\"message_stop\"}\n\n";
        List<String> events = TestSse.data(run(tap(false), stream).out);
        assertEquals(5, events.size(), events.toString());
        Object start = TestJson.parse(events.get(1));
        assertEquals("msg_9", TestJson.at(start, "id"));
        assertEquals("claude-x", TestJson.at(start, "model"));
        assertEquals(0L, TestJson.at(start, "choices", 0, "delta", "tool_calls", 0, "index"));
        assertEquals(
                "{}",
                TestJson.at(
                        TestJson.parse(events.get(2)),
                        "choices",
                        0,
                        "delta",
                        "tool_calls",
                        0,
                        "function",
                        "arguments"));
    }

    @Test
    void release_midStream_freesEverything_andOnChunkAfterwardsRefused() {
        ChatViaMessagesStreamTap tap = tap(true);
        byte[] bytes = THINK_TEXT_TWO_TOOLS.getBytes(UTF_8);
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes, 0, 700);
        tap.onChunk(in).release();
        tap.release();
        tap.release();
        ByteBuf late = Unpooled.copiedBuffer("data: {}\n\n", UTF_8);
        assertThrows(IllegalStateException.class, () -> tap.onChunk(late));
        assertEquals(0, late.refCnt());
    }
}
