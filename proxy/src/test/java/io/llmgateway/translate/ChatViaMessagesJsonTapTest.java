package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.TestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fixtures: the Messages API's documented {@code message} answers. */
class ChatViaMessagesJsonTapTest {
    private static final long CREATED = 1_700_000_000L;

    static final String TOOL_ANSWER = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",
             "model":"claude-sonnet-4-5-20250929",
             "content":[
               {"type":"thinking","thinking":"The user wants the weather.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk"},
               {"type":"text","text":"I'll check "},
               {"type":"text","text":"the weather."},
               {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
                "input":{"location":"San Francisco, CA","unit":"celsius"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":95,"cache_creation_input_tokens":200,"cache_read_input_tokens":1800,"output_tokens":503}}""";

    private record Result(String out, Usage usage) {}

    private static Result run(String answer, int... cuts) {
        ChatViaMessagesJsonTap tap = new ChatViaMessagesJsonTap("claude-sonnet", CREATED);
        byte[] bytes = answer.getBytes(UTF_8);
        List<ByteBuf> inputs = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuf in = PooledByteBufAllocator.DEFAULT
                    .directBuffer(Math.max(1, to - from))
                    .writeBytes(bytes, from, to - from);
            inputs.add(in);
            ByteBuf o = tap.onChunk(in);
            assertEquals(0, o.readableBytes(), "nothing goes out before the answer is whole");
            o.release();
            from = to;
        }
        ByteBuf end = tap.onEnd();
        out.append(end.toString(UTF_8));
        end.release();
        Result r = new Result(out.toString(), tap.usage());
        tap.release();
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt());
        }
        return r;
    }

    @Test
    void onEnd_toolAnswer_chatCompletionWithToolCallsReasoningAndCachedTokens() {
        Result r = run(TOOL_ANSWER, 10, 200, 201);
        assertEquals(TestJson.parse("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1700000000,
                         "model":"claude-sonnet-4-5-20250929",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"I'll check the weather.",
                           "reasoning_content":"The user wants the weather.",
                           "thinking_blocks":[{"type":"thinking","thinking":"The user wants the weather.",
                             "signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk"}],
                           "tool_calls":[{"id":"toolu_01A09q90qw90lq917835lq9","type":"function",
                             "function":{"name":"get_weather","arguments":"{\\"location\\":\\"San Francisco, CA\\",\\"unit\\":\\"celsius\\"}"}}],
                           "refusal":null},
                          "logprobs":null,"finish_reason":"tool_calls"}],
                         "usage":{"prompt_tokens":2095,"completion_tokens":503,"total_tokens":2598,
                           "prompt_tokens_details":{"cached_tokens":1800}}}"""), TestJson.parse(r.out));
        assertEquals(new Usage(2095, 503, 798, false, 200, 1800), r.usage);
    }

    @Test
    void onEnd_onlyToolUse_contentNull_andPlainAnswerWithoutCache() {
        Object only = TestJson.parse(run("{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                        + "\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}],"
                        + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}")
                .out);
        assertNull(TestJson.at(only, "choices", 0, "message", "content"));
        assertEquals("{}", TestJson.at(only, "choices", 0, "message", "tool_calls", 0, "function", "arguments"));
        Result plain = run("{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi \\u00e9\"}],\"stop_reason\":\"max_tokens\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}");
        Object p = TestJson.parse(plain.out);
        assertEquals("Hi \u00e9", TestJson.at(p, "choices", 0, "message", "content"));
        assertEquals("length", TestJson.at(p, "choices", 0, "finish_reason"));
        assertEquals(0L, TestJson.at(p, "usage", "prompt_tokens_details", "cached_tokens"));
        assertEquals(new Usage(3, 4, 7, false), plain.usage);
    }

    /** Regression: thinking blocks keep their signatures (and redacted ones their data) for the next turn. */
    @Test
    void onEnd_redactedThinking_keptInThinkingBlocks() {
        Object out = TestJson.parse(run("{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                        + "\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3p\"},"
                        + "{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
                        + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}")
                .out);
        assertEquals(
                TestJson.parse("[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3p\"}]"),
                TestJson.at(out, "choices", 0, "message", "thinking_blocks"));
        assertEquals("ok", TestJson.at(out, "choices", 0, "message", "content"));
    }

    @Test
    void onEnd_notAMessage_openAiError() {
        Result r = run("<html>bad gateway</html>");
        assertEquals("upstream_error", TestJson.at(TestJson.parse(r.out), "error", "type"));
        assertNull(r.usage);
    }

    @Test
    void finishReason_everyStopReason() {
        assertEquals("stop", ChatViaMessagesJsonTap.finishReason("end_turn"));
        assertEquals("stop", ChatViaMessagesJsonTap.finishReason("stop_sequence"));
        assertEquals("length", ChatViaMessagesJsonTap.finishReason("max_tokens"));
        assertEquals("tool_calls", ChatViaMessagesJsonTap.finishReason("tool_use"));
        assertEquals("content_filter", ChatViaMessagesJsonTap.finishReason("refusal"));
    }

    @Test
    void release_beforeTheEnd_freesTheHeldAnswer() {
        ChatViaMessagesJsonTap tap = new ChatViaMessagesJsonTap("m", CREATED);
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(TOOL_ANSWER.getBytes(UTF_8), 0, 100);
        tap.onChunk(in).release();
        tap.release();
        assertEquals(0, in.refCnt());
    }
}
