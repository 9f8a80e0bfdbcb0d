package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.TestJson;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.util.JsonStrings;
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

/**
 * The streamed translation, fed OpenAI's documented {@code chat.completion.chunk} events and read back as an
 * Anthropic client reads a Messages stream ({@link MessagesViaChatSequence}).
 */
class MessagesViaChatStreamTapTest {
    private static final ExecutorService POOL = TokenEstimator.newExecutor(1, 1);
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(POOL);
    private static final String ENC = "o200k_base";
    static final String HEAD = "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[";
    static final String DONE = "data: [DONE]\n\n";

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    /** A chunk event whose only choice has {@code delta} and {@code finish} (a JSON value). */
    static String chunk(String delta, String finish) {
        return "data: " + HEAD + "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish
                + "}]}\n\n";
    }

    static String content(String text) {
        return chunk("{\"content\":" + JsonStrings.quote(text) + "}", "null");
    }

    static String reasoning(String text) {
        return chunk("{\"reasoning_content\":" + JsonStrings.quote(text) + "}", "null");
    }

    static String toolStart(int index, String id, String name) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"" + name + "\",\"arguments\":\"\"}}]}",
                "null");
    }

    static String toolArgs(int index, String fragment) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":" + JsonStrings.quote(fragment)
                        + "}}]}",
                "null");
    }

    static final String ROLE = chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null");

    static String finish(String reason) {
        return chunk("{}", "\"" + reason + "\"");
    }

    static String usage(int prompt, int completion, int cached) {
        return "data: " + HEAD + "],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                + cached + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
                + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n";
    }

    static MessagesViaChatStreamTap tap() {
        return new MessagesViaChatStreamTap("claude-sonnet", ESTIMATOR, ENC);
    }

    /** Feeds {@code stream} cut at {@code cuts}, checks every buffer's release, returns what went out. */
    static String run(MessagesViaChatStreamTap tap, String stream, int... cuts) {
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
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "every input is released");
        }
        return out.toString(UTF_8);
    }

    static String run(String stream) {
        MessagesViaChatStreamTap tap = tap();
        try {
            return run(tap, stream);
        } finally {
            tap.release();
        }
    }

    static void drain(ByteBuf o, ByteArrayOutputStream out) {
        byte[] b = new byte[o.readableBytes()];
        o.getBytes(o.readerIndex(), b);
        out.writeBytes(b);
        if (!o.release()) {
            assertSame(Unpooled.EMPTY_BUFFER, o, "only the shared empty buffer survives its release");
        }
    }

    static int[] everyByte(int length) {
        int[] cuts = new int[length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    private static final String TEXT_STREAM = ROLE
            + content("Hello")
            + content(" there, \u00e9\u4e2d \uD83D\uDE00")
            + content("!")
            + finish("stop")
            + usage(19, 10, 0)
            + DONE;

    @Test
    void text_becomesOneTextBlockBetweenMessageStartAndMessageStop() {
        String out = run(TEXT_STREAM);
        MessagesViaChatSequence s = MessagesViaChatSequence.of(out).complete();
        assertEquals(
                List.of(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop"),
                s.events.stream().map(MessagesViaChatSequence.Event::name).toList());
        assertEquals("msg_chatcmpl-123", s.messageStart.get("id"));
        assertEquals("gpt-4o-mini", s.messageStart.get("model"));
        assertEquals(0L, TestJson.at(s.messageStart, "usage", "input_tokens"));
        assertEquals(Map.of("type", "text", "text", "Hello there, \u00e9\u4e2d \uD83D\uDE00!"), s.blocks.get(0));
        assertEquals("end_turn", s.stopReason());
        assertEquals(19L, s.usage("input_tokens"));
        assertEquals(10L, s.usage("output_tokens"));
        assertEquals(0L, s.usage("cache_read_input_tokens"));
        assertTrue(out.startsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"), out);
        assertTrue(
                out.contains("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"),
                out);
    }

    @Test
    void onChunk_cutAtEveryByte_writesTheSameStream() {
        for (String stream : List.of(TEXT_STREAM, INTERLEAVED_TOOLS, REASONING_THEN_TEXT)) {
            String whole = run(stream);
            MessagesViaChatStreamTap tap = tap();
            try {
                String cut = run(tap, stream, everyByte(stream.getBytes(UTF_8).length));
                assertEquals(
                        MessagesViaChatSequence.of(whole).blocks,
                        MessagesViaChatSequence.of(cut).complete().blocks);
                assertEquals(whole.replaceAll("msg_[0-9a-f]+", "msg"), cut.replaceAll("msg_[0-9a-f]+", "msg"));
            } finally {
                tap.release();
            }
        }
    }

    /** Two parallel calls whose argument fragments interleave, as some providers stream them. */
    static final String INTERLEAVED_TOOLS = ROLE
            + toolStart(0, "call_a", "get_weather")
            + toolStart(1, "call_b", "get_time")
            + toolArgs(0, "{\"loc")
            + toolArgs(1, "{\"zone\":")
            + toolArgs(0, "ation\": \"Paris")
            + toolArgs(1, " \"CET\"}")
            + toolArgs(0, ", France\"}")
            + finish("tool_calls")
            + usage(80, 40, 64)
            + DONE;

    @Test
    void toolCalls_interleavedFragments_eachCallItsOwnBlockWithAllItsArguments() {
        MessagesViaChatSequence s =
                MessagesViaChatSequence.of(run(INTERLEAVED_TOOLS)).complete();
        assertEquals(2, s.blocks.size());
        assertEquals("tool_use", s.blocks.get(0).get("type"));
        assertEquals("call_a", s.blocks.get(0).get("id"));
        assertEquals("get_weather", s.blocks.get(0).get("name"));
        assertEquals(Map.of("location", "Paris, France"), s.toolInput(0));
        assertEquals("call_b", s.blocks.get(1).get("id"));
        assertEquals("get_time", s.blocks.get(1).get("name"));
        assertEquals(Map.of("zone", "CET"), s.toolInput(1));
        assertEquals("tool_use", s.stopReason());
        assertEquals(16L, s.usage("input_tokens"), "prompt_tokens less the cached ones");
        assertEquals(64L, s.usage("cache_read_input_tokens"));
        assertEquals(40L, s.usage("output_tokens"));
    }

    @Test
    void toolCalls_oneAfterAnother_streamEveryFragmentAsItsOwnInputJsonDelta() {
        // Regression: input_json_delta dropped, tool indexes mixed up.
        String stream = ROLE
                + content("Let me check.")
                + toolStart(0, "call_a", "get_weather")
                + toolArgs(0, "{\"location\":")
                + toolArgs(0, " \"Paris\"}")
                + toolStart(1, "call_b", "get_weather")
                + toolArgs(1, "{\"location\":")
                + toolArgs(1, " \"Rome\"}")
                + finish("tool_calls")
                + usage(50, 30, 0)
                + DONE;
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(stream)).complete();
        assertEquals(
                List.of("text", "tool_use", "tool_use"),
                s.blocks.stream().map(b -> b.get("type")).toList());
        assertEquals(Map.of("location", "Paris"), s.toolInput(1));
        assertEquals(Map.of("location", "Rome"), s.toolInput(2));
        List<String> fragments = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        for (MessagesViaChatSequence.Event e : s.events) {
            if (e.name().equals("content_block_delta")
                    && "input_json_delta".equals(TestJson.at(e.data(), "delta", "type"))) {
                fragments.add((String) TestJson.at(e.data(), "delta", "partial_json"));
                indexes.add((Long) e.data().get("index"));
            }
        }
        assertEquals(List.of("{\"location\":", " \"Paris\"}", "{\"location\":", " \"Rome\"}"), fragments);
        assertEquals(List.of(1L, 1L, 2L, 2L), indexes);
    }

    @Test
    void toolCalls_sameIndexNewId_openANewBlock() {
        // Ollama numbers every call of a parallel batch 0 and tells them apart by id.
        String stream = ROLE
                + chunk(
                        "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"a\",\"arguments\":\"{\\\"x\\\":1}\"}}]}",
                        "null")
                + chunk(
                        "{\"tool_calls\":[{\"index\":0,\"id\":\"call_2\",\"type\":\"function\",\"function\":"
                                + "{\"name\":\"b\",\"arguments\":\"{\\\"y\\\":2}\"}}]}",
                        "null")
                + finish("tool_calls")
                + DONE;
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(stream)).complete();
        assertEquals(2, s.blocks.size());
        assertEquals(Map.of("x", 1L), s.toolInput(0));
        assertEquals("b", s.blocks.get(1).get("name"));
        assertEquals(Map.of("y", 2L), s.toolInput(1));
    }

    static final String REASONING_THEN_TEXT = ROLE
            + reasoning("The user asks")
            + reasoning(" for a greeting.")
            + content("Hi")
            + content("!")
            + finish("stop")
            + usage(12, 20, 0)
            + DONE;

    @Test
    void reasoning_becomesAThinkingBlockClosedBeforeTheText() {
        // Regression: thinking lost.
        MessagesViaChatSequence s =
                MessagesViaChatSequence.of(run(REASONING_THEN_TEXT)).complete();
        assertEquals(
                Map.of("type", "thinking", "thinking", "The user asks for a greeting.", "signature", ""),
                s.blocks.get(0));
        assertEquals(Map.of("type", "text", "text", "Hi" + "!"), s.blocks.get(1));
        String reasoningField = ROLE + chunk("{\"reasoning\":\"hmm\"}", "null") + content("ok") + finish("stop") + DONE;
        assertEquals(
                "hmm",
                MessagesViaChatSequence.of(run(reasoningField)).blocks.get(0).get("thinking"));
    }

    @Test
    void finishReasons_mapToStopReasons() {
        Map<String, String> expected = Map.of(
                "stop", "end_turn",
                "length", "max_tokens",
                "tool_calls", "tool_use",
                "content_filter", "refusal",
                "function_call", "tool_use");
        expected.forEach((finish, stop) -> assertEquals(
                stop,
                MessagesViaChatSequence.of(run(ROLE + content("x") + finish(finish) + usage(1, 1, 0) + DONE))
                        .complete()
                        .stopReason(),
                finish));
        String refusal = ROLE + chunk("{\"refusal\":\"I can't help with that.\"}", "null") + finish("stop") + DONE;
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(refusal)).complete();
        assertEquals("refusal", s.stopReason());
        assertEquals("I can't help with that.", s.blocks.get(0).get("text"));
        String vllm = ROLE + content("1, 2") + "data: " + HEAD
                + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"3\"}]}\n\n" + DONE;
        s = MessagesViaChatSequence.of(run(vllm)).complete();
        assertEquals("stop_sequence", s.stopReason());
        assertEquals("3", TestJson.at(s.messageDelta, "delta", "stop_sequence"));
    }

    @Test
    void usage_reportedForAccountingWithCachedTokensInThePrompt() {
        MessagesViaChatStreamTap tap = tap();
        try {
            run(tap, INTERLEAVED_TOOLS);
            assertEquals(new Usage(80, 40, 120, false, 0, 64), tap.usage());
        } finally {
            tap.release();
        }
    }

    @Test
    void noUsage_estimatesTheOutputTokens() {
        MessagesViaChatStreamTap tap = tap();
        try {
            MessagesViaChatSequence s = MessagesViaChatSequence.of(
                            run(tap, ROLE + content("Hello there, how are you today?") + finish("stop") + DONE))
                    .complete();
            assertNull(tap.usage());
            long estimate = ESTIMATOR.countText("Hello there, how are you today?", ENC);
            assertEquals(estimate, tap.completionTokensEstimate());
            assertEquals(estimate, s.usage("output_tokens"));
        } finally {
            tap.release();
        }
    }

    @Test
    void errorMidStream_becomesAnErrorEventAndNothingFollows() {
        String stream = ROLE + content("Hel")
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"
                + content("lo") + DONE;
        String out = run(stream);
        MessagesViaChatSequence s = MessagesViaChatSequence.of(out);
        assertEquals(
                Map.of("type", "api_error", "message", "The server had an error while processing your request."),
                s.error);
        assertTrue(
                out.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                        + "\"message\":\"The server had an error while processing your request.\"}}\n\n"),
                out);
        String limited =
                "data: {\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n";
        assertEquals(
                "rate_limit_error",
                MessagesViaChatSequence.of(run(limited)).error.get("type"));
    }

    @Test
    void streamEndingWithoutFinish_endsWithAnError() {
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(ROLE + content("Hel")));
        assertEquals("api_error", s.error.get("type"));
        assertEquals(1, s.count("content_block_start"));
        assertEquals(0, s.count("message_stop"));
        MessagesViaChatSequence empty = MessagesViaChatSequence.of(run(""));
        assertNotNull(empty.error);
    }

    @Test
    void streamEndingAfterFinishWithoutUsageOrDone_isComplete() {
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(ROLE + content("Hi") + finish("length")))
                .complete();
        assertEquals("max_tokens", s.stopReason());
        MessagesViaChatSequence unterminated = MessagesViaChatSequence.of(
                        run(ROLE + content("Hi") + finish("stop").stripTrailing()))
                .complete();
        assertEquals("end_turn", unterminated.stopReason());
    }

    @Test
    void usageInTheFinishChunk_endsTheMessageAtOnce() {
        String stream =
                ROLE + content("Hi") + "data: " + HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n";
        MessagesViaChatStreamTap tap = tap();
        try {
            ByteBuf in = Unpooled.copiedBuffer(stream, UTF_8);
            ByteBuf out = tap.onChunk(in);
            MessagesViaChatSequence s =
                    MessagesViaChatSequence.of(out.toString(UTF_8)).complete();
            out.release();
            assertEquals(5L, s.usage("input_tokens"));
            ByteBuf rest = tap.onEnd();
            assertEquals(0, rest.readableBytes());
            rest.release();
        } finally {
            tap.release();
        }
    }

    @Test
    void eventsArriveAsTheirChunksDo() {
        MessagesViaChatStreamTap tap = tap();
        try {
            ByteBuf first = tap.onChunk(Unpooled.copiedBuffer(ROLE + content("Hel"), UTF_8));
            String out = first.toString(UTF_8);
            first.release();
            assertTrue(out.contains("\"text\":\"Hel\""), out);
            ByteBuf second = tap.onChunk(Unpooled.copiedBuffer(content("lo"), UTF_8));
            assertTrue(second.toString(UTF_8).contains("\"text\":\"lo\""));
            second.release();
        } finally {
            tap.release();
        }
    }

    @Test
    void malformedEvents_areSkippedAndTheStreamGoesOn() {
        String stream = ROLE
                + "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}\n\n" // cut off inside its arrays
                + "data: not json\n\n"
                + "data: 42\n\n"
                + "data: {\"choices\":[]} {\"x\":1}\n\n"
                + ": a comment\n\n"
                + content("b") + finish("stop") + DONE;
        MessagesViaChatSequence s = MessagesViaChatSequence.of(run(stream)).complete();
        assertEquals("ab", s.blocks.get(0).get("text"));
    }

    @Test
    void captureText_keepsTheDeltas() {
        MessagesViaChatStreamTap tap = tap();
        try {
            tap.captureText(8);
            run(tap, REASONING_THEN_TEXT);
            assertEquals("The user...[truncated]", tap.capturedText());
        } finally {
            tap.release();
        }
    }

    @Test
    void onChunk_afterRelease_releasesTheChunkAndFails() {
        MessagesViaChatStreamTap tap = tap();
        tap.release();
        ByteBuf in = Unpooled.copiedBuffer(ROLE, UTF_8);
        assertThrows(IllegalStateException.class, () -> tap.onChunk(in));
        assertEquals(0, in.refCnt());
    }
}
