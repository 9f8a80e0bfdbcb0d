package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.testing.TestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatViaMessagesRequestTest {
    private static final String ALIAS = "claude-sonnet-4-5";

    /** The Messages request for {@code json} (a direct buffer: the copy path), parsed. */
    private static Map<String, Object> translate(String json) throws BadRequestException {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(json.getBytes(UTF_8));
        try {
            ByteBuf out = ChatViaMessagesRequest.translate(PooledByteBufAllocator.DEFAULT, in, ALIAS, 4096);
            try {
                assertEquals(0, in.readerIndex(), "the client's body is not consumed");
                return TestJson.parseObject(out.toString(UTF_8));
            } finally {
                out.release();
            }
        } finally {
            assertEquals(1, in.refCnt(), "the client's body stays the caller's");
            in.release();
        }
    }

    private static Object messagesOf(String messagesJson) throws BadRequestException {
        return translate("{\"model\":\"m\",\"messages\":" + messagesJson + "}").get("messages");
    }

    private static BadRequestException refused(String json) {
        ByteBuf in = Unpooled.copiedBuffer(json, UTF_8);
        try {
            return assertThrows(
                    BadRequestException.class,
                    () -> ChatViaMessagesRequest.translate(PooledByteBufAllocator.DEFAULT, in, ALIAS, 4096)
                            .release());
        } finally {
            in.release();
        }
    }

    private static BadRequestException refusedField(String field, String valueJson) {
        return refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"" + field + "\":"
                + valueJson + "}");
    }

    private static Object json(String text) {
        return TestJson.parse(text);
    }

    @Test
    void translate_plainRequest_modelAliasMessagesAndDefaultMaxTokens() throws Exception {
        Map<String, Object> out =
                translate("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(
                json("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"),
                out);
    }

    @Test
    void translate_heapBufferWithOffset_readsOnlyTheReadableBytes() throws Exception {
        String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \\\"q\\\"\"}]}";
        ByteBuf in = Unpooled.buffer().writeBytes("garbage".getBytes(UTF_8)).writeBytes(json.getBytes(UTF_8));
        in.skipBytes(7);
        ByteBuf out = ChatViaMessagesRequest.translate(PooledByteBufAllocator.DEFAULT, in, ALIAS, 10);
        try {
            Map<String, Object> m = TestJson.parseObject(out.toString(UTF_8));
            assertEquals("h\u00e9 \"q\"", TestJson.at(m, "messages", 0, "content", 0, "text"));
            assertEquals(10L, m.get("max_tokens"));
        } finally {
            out.release();
            in.release();
        }
    }

    @Test
    void systemAndDeveloperMessages_allInOrder_intoSystemBlocksWithCacheControl() throws Exception {
        Map<String, Object> out = translate("""
                {"model":"m","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":"hi"},
                  {"role":"developer","content":[{"type":"text","text":"Rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
                  {"role":"system","content":""},
                  {"role":"user","content":"again"}]}""");
        assertEquals(
                json(
                        "[{\"type\":\"text\",\"text\":\"You are terse.\"},"
                                + "{\"type\":\"text\",\"text\":\"Rules.\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]"),
                out.get("system"));
        // The system message between the user messages does not split their turn.
        assertEquals(
                json("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                        + "{\"type\":\"text\",\"text\":\"again\"}]}]"),
                out.get("messages"));
    }

    @Test
    void toolRound_consecutiveToolMessages_oneUserTurnInTheOrderOfTheCalls() throws Exception {
        Object messages = messagesOf("""
                [{"role":"user","content":"weather in Paris and Rome?"},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"type":"function","function":{"arguments":"{\\"city\\":\\"Rome\\",\\"days\\":[1,2]}","name":"weather"},"id":"call_2"}]},
                 {"role":"tool","tool_call_id":"call_2","content":"sunny"},
                 {"content":[{"type":"text","text":"rain"}],"tool_call_id":"call_1","role":"tool"},
                 {"role":"user","content":"thanks"}]""");
        assertEquals(json("""
                        [{"role":"user","content":[{"type":"text","text":"weather in Paris and Rome?"}]},
                         {"role":"assistant","content":[
                           {"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}},
                           {"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome","days":[1,2]}}]},
                         {"role":"user","content":[
                           {"type":"tool_result","tool_use_id":"call_1","content":[{"type":"text","text":"rain"}]},
                           {"type":"tool_result","tool_use_id":"call_2","content":"sunny"},
                           {"type":"text","text":"thanks"}]}]"""), messages);
    }

    @Test
    void toolCall_emptyArguments_emptyInput() throws Exception {
        Object messages =
                messagesOf("[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"now\",\"arguments\":\"\"}}]}]");
        assertEquals(json("{}"), TestJson.at(messages, 0, "content", 0, "input"));
    }

    @Test
    void toolCall_invalidArguments_400NamingTheField() {
        for (String args : List.of("{\\\"a\\\":", "[1,2]", "{} {}", "nope")) {
            BadRequestException e = refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                    + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":"
                    + "{\"name\":\"f\",\"arguments\":\"" + args + "\"}}]}]}");
            assertEquals("messages[1].tool_calls[0].function.arguments", e.param(), args);
            assertTrue(e.getMessage().contains("one JSON object"), e.getMessage());
        }
    }

    @Test
    void userParts_textAndImages_blocksWithSourcesAndCacheControl() throws Exception {
        Object messages = messagesOf("""
                [{"role":"user","content":[
                  {"type":"text","text":"what is this?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"cache_control":{"type":"ephemeral"},"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}},
                  {"type":"text","text":"long context","cache_control":{"type":"ephemeral"}}]}]""");
        assertEquals(json("""
                        [{"role":"user","content":[
                          {"type":"text","text":"what is this?"},
                          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                          {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"},"cache_control":{"type":"ephemeral"}},
                          {"type":"text","text":"long context","cache_control":{"type":"ephemeral"}}]}]"""), messages);
    }

    @Test
    void userParts_badImagesAndOtherParts_400NamingTheField() {
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[";
        assertEquals(
                "messages[0].content[0].image_url.url",
                refused(base + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/svg+xml,<svg/>\"}}]}]}")
                        .param());
        assertEquals(
                "messages[0].content[0].image_url.url",
                refused(base + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x/a.png\"}}]}]}")
                        .param());
        assertEquals(
                "messages[0].content[0].type",
                refused(base + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}}]}]}")
                        .param());
    }

    @Test
    void consecutiveSameRole_mergedIntoOneTurn_andRoleAfterContentIsRead() throws Exception {
        Object messages = messagesOf("""
                [{"content":"a","role":"user"},{"role":"user","content":"b"},
                 {"role":"assistant","content":"c"},{"role":"assistant","content":[{"type":"text","text":"d"}]},
                 {"role":"assistant","content":""},
                 {"role":"user","content":"e"}]""");
        assertEquals(json("""
                        [{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                         {"role":"assistant","content":[{"type":"text","text":"c"},{"type":"text","text":"d"}]},
                         {"role":"user","content":[{"type":"text","text":"e"}]}]"""), messages);
    }

    @Test
    void maxTokens_clientLimitOrDefault() throws Exception {
        String m = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals(100L, translate("{" + m + ",\"max_tokens\":100}").get("max_tokens"));
        assertEquals(
                200L,
                translate("{" + m + ",\"max_tokens\":100,\"max_completion_tokens\":200}")
                        .get("max_tokens"));
        assertEquals(4096L, translate("{" + m + ",\"max_tokens\":null}").get("max_tokens"));
        assertEquals("max_tokens", refusedField("max_tokens", "0").param());
        assertEquals(
                "max_completion_tokens",
                refusedField("max_completion_tokens", "1.5").param());
    }

    @Test
    void options_stopTemperatureTopPUserStream_mapped() throws Exception {
        String m = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Map<String, Object> out = translate("{" + m + ",\"stop\":\"END\",\"temperature\":0.7,\"top_p\":0.9,"
                + "\"user\":\"u-1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"top_k\":5}");
        assertEquals(List.of("END"), out.get("stop_sequences"));
        assertEquals(0.7, out.get("temperature"));
        assertEquals(0.9, out.get("top_p"));
        assertEquals(5L, out.get("top_k"));
        assertEquals(Map.of("user_id", "u-1"), out.get("metadata"));
        assertEquals(true, out.get("stream"));
        out = translate(
                "{" + m + ",\"stop\":[\"a\",\"b\"],\"user\":\"u\",\"safety_identifier\":\"s\",\"stream\":false}");
        assertEquals(List.of("a", "b"), out.get("stop_sequences"));
        assertEquals(Map.of("user_id", "s"), out.get("metadata"));
        assertFalse(out.containsKey("stream"));
    }

    /** OpenAI takes 0 to 2, the provider 0 to 1: above 1 is refused, never clamped. */
    @Test
    void temperature_aboveOne_400() {
        BadRequestException e = refusedField("temperature", "1.5");
        assertEquals("temperature", e.param());
        assertTrue(e.getMessage().contains("0 to 1"), e.getMessage());
        assertEquals("top_p", refusedField("top_p", "-0.1").param());
    }

    @Test
    void tools_functionsToInputSchema_choicesAndParallel() throws Exception {
        String m = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":["
                + "{\"type\":\"function\",\"function\":{\"name\":\"weather\",\"description\":\"Get weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]},"
                + "\"strict\":false}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"now\"},\"cache_control\":{\"type\":\"ephemeral\"}}]";
        Map<String, Object> out = translate("{" + m + "}");
        assertEquals(json("""
                        [{"name":"weather","description":"Get weather","input_schema":{"type":"object",
                           "properties":{"city":{"type":"string"}},"required":["city"]}},
                         {"name":"now","input_schema":{"type":"object","properties":{}},"cache_control":{"type":"ephemeral"}}]"""), out.get("tools"));
        assertFalse(out.containsKey("tool_choice"));
        assertEquals(
                json("{\"type\":\"auto\"}"),
                translate("{" + m + ",\"tool_choice\":\"auto\"}").get("tool_choice"));
        assertEquals(
                json("{\"type\":\"any\"}"),
                translate("{" + m + ",\"tool_choice\":\"required\"}").get("tool_choice"));
        assertEquals(
                json("{\"type\":\"none\"}"),
                translate("{" + m + ",\"tool_choice\":\"none\"}").get("tool_choice"));
        assertEquals(
                json("{\"type\":\"tool\",\"name\":\"now\",\"disable_parallel_tool_use\":true}"),
                translate("{" + m + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"now\"}},"
                                + "\"parallel_tool_calls\":false}")
                        .get("tool_choice"));
        assertEquals(
                json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"),
                translate("{" + m + ",\"parallel_tool_calls\":false}").get("tool_choice"));
        assertFalse(translate("{" + m + ",\"parallel_tool_calls\":true}").containsKey("tool_choice"));
    }

    @Test
    void tools_strictOrOtherTypes_400() {
        assertEquals(
                "tools[0].function.strict",
                refusedField("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":true}}]")
                        .param());
        assertEquals(
                "tools[0].type",
                refusedField("tools", "[{\"type\":\"custom\",\"custom\":{\"name\":\"f\"}}]")
                        .param());
        assertEquals("tool_choice", refusedField("tool_choice", "\"sometimes\"").param());
    }

    @Test
    void reasoningEffort_thinkingBudgets() throws Exception {
        String m = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Map<String, Object> out = translate("{" + m + ",\"reasoning_effort\":\"medium\"}");
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":8192}"), out.get("thinking"));
        assertEquals(4096L + 8192, out.get("max_tokens"), "the default is for the answer; thinking comes on top");
        out = translate("{" + m + ",\"reasoning_effort\":\"high\",\"max_completion_tokens\":5000}");
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":4999}"), out.get("thinking"));
        assertEquals(5000L, out.get("max_tokens"));
        assertEquals(
                1024L,
                TestJson.at(translate("{" + m + ",\"reasoning_effort\":\"minimal\"}"), "thinking", "budget_tokens"));
        assertEquals(
                2048L, TestJson.at(translate("{" + m + ",\"reasoning_effort\":\"low\"}"), "thinking", "budget_tokens"));
        assertEquals(
                16384L,
                TestJson.at(translate("{" + m + ",\"reasoning_effort\":\"high\"}"), "thinking", "budget_tokens"));
        assertFalse(translate("{" + m + ",\"reasoning_effort\":\"none\"}").containsKey("thinking"));
        BadRequestException e = refused("{" + m + ",\"reasoning_effort\":\"low\",\"max_tokens\":1000}");
        assertEquals("reasoning_effort", e.param());
        assertEquals(
                "reasoning_effort",
                refusedField("reasoning_effort", "\"extreme\"").param());
        // The provider's own object passes as it is.
        out = translate("{" + m + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}}");
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":2000}"), out.get("thinking"));
        assertEquals(4096L + 2000, out.get("max_tokens"));
    }

    /** n > 1 and fields without equivalent: a 400 naming the field, never silently dropped. */
    @Test
    void unsupportedFields_400NamingTheField() {
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("n", "2");
        refusals.put("response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}");
        refusals.put("logprobs", "true");
        refusals.put("top_logprobs", "3");
        refusals.put("logit_bias", "{\"50256\":-100}");
        refusals.put("seed", "42");
        refusals.put("presence_penalty", "0.5");
        refusals.put("frequency_penalty", "-1");
        refusals.put("audio", "{\"voice\":\"alloy\",\"format\":\"wav\"}");
        refusals.put("modalities", "[\"text\",\"audio\"]");
        refusals.put("prediction", "{\"type\":\"content\",\"content\":\"x\"}");
        refusals.put("functions", "[{\"name\":\"f\"}]");
        refusals.put("store", "true");
        refusals.put("metadata", "{\"k\":\"v\"}");
        refusals.put("service_tier", "\"flex\"");
        refusals.put("web_search_options", "{}");
        refusals.put("made_up_field", "1");
        refusals.forEach((field, value) -> {
            BadRequestException e = refusedField(field, value);
            assertEquals(field, e.param(), e.getMessage());
            assertTrue(e.getMessage().contains(field), e.getMessage());
        });
        assertTrue(refusedField("n", "2").getMessage().contains("one choice"));
        assertEquals(
                "response_format",
                refusedField("response_format", "{\"type\":\"json_object\"}").param());
    }

    /** The value that changes nothing is accepted, so that clients sending defaults keep working. */
    @Test
    void unsupportedFields_neutralValues_accepted() throws Exception {
        Map<String, Object> out = translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"n\":1,\"response_format\":{\"type\":\"text\"},\"logprobs\":false,\"top_logprobs\":0,"
                + "\"logit_bias\":{},\"seed\":null,\"presence_penalty\":0,\"frequency_penalty\":0.0,"
                + "\"modalities\":[\"text\"],\"store\":false,\"metadata\":{},\"service_tier\":\"auto\"}");
        assertEquals(json("[\"model\",\"messages\",\"max_tokens\"]"), List.copyOf(out.keySet()));
    }

    @Test
    void messageFields_withoutEquivalent_400NamingThem() {
        assertEquals(
                "messages[0].name",
                refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}]}")
                        .param());
        assertEquals(
                "messages[0].role",
                refused("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"content\":\"x\",\"name\":null}]}")
                        .param());
        assertEquals(
                "messages[1].tool_call_id",
                refused(
                                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\",\"content\":\"r\"}]}")
                        .param());
        BadRequestException embeddings = refused("{\"model\":\"m\",\"input\":\"text to embed\"}");
        assertEquals("messages", embeddings.param());
        assertTrue(embeddings.getMessage().contains("chat completions only"), embeddings.getMessage());
    }

    /** cache_control reaches the provider untouched, wherever the client's format can carry it. */
    @Test
    void cacheControl_onMessagesWithStringContentAndToolResults_copied() throws Exception {
        Object messages = messagesOf("""
                [{"role":"user","content":"big document","cache_control":{"type":"ephemeral","ttl":"5m"}},
                 {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c","content":"result","cache_control":{"type":"ephemeral"}}]""");
        assertEquals(
                json("{\"type\":\"ephemeral\",\"ttl\":\"5m\"}"),
                TestJson.at(messages, 0, "content", 0, "cache_control"));
        assertEquals(json("{\"type\":\"ephemeral\"}"), TestJson.at(messages, 2, "content", 0, "cache_control"));
    }

    private static final String TOOL_LOOP = "{\"role\":\"user\",\"content\":\"weather?\"},"
            + "{\"role\":\"assistant\",%s\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}";

    /**
     * Regression: a tool-use loop with thinking needs the assistant turn's thinking block, signature included.
     * A client that kept it ({@code thinking_blocks}) gets it sent back, first in the turn, as it was.
     */
    @Test
    void toolLoop_withThinkingBlocks_sentBackFirstWithSignatures() throws Exception {
        String blocks = "\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"Use the tool.\","
                + "\"signature\":\"EqQBCgIYAhIM\"},{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}],"
                + "\"reasoning_content\":\"Use the tool.\",";
        Map<String, Object> out = translate("{\"model\":\"m\",\"reasoning_effort\":\"low\",\"messages\":["
                + String.format(TOOL_LOOP, blocks) + "]}");
        assertEquals(json("""
                        [{"type":"thinking","thinking":"Use the tool.","signature":"EqQBCgIYAhIM"},
                         {"type":"redacted_thinking","data":"EmwKAhgB"},
                         {"type":"tool_use","id":"c1","name":"weather","input":{}}]"""), TestJson.at(out, "messages", 1, "content"));
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"), out.get("thinking"));
    }

    /**
     * Regression: a client without the thinking blocks (OpenAI's format has no field for them) would get a 400
     * from the provider on the second request of every tool loop with thinking; thinking is left off instead.
     */
    @Test
    void toolLoop_withoutThinkingBlocks_thinkingLeftOffForTheContinuation() throws Exception {
        Map<String, Object> out = translate(
                "{\"model\":\"m\",\"reasoning_effort\":\"low\",\"messages\":[" + String.format(TOOL_LOOP, "") + "]}");
        assertFalse(out.containsKey("thinking"), out.toString());
        assertEquals(4096L, out.get("max_tokens"));
        // Once the loop is over (a new user message), thinking is on again.
        out = translate("{\"model\":\"m\",\"reasoning_effort\":\"low\",\"messages\":["
                + String.format(TOOL_LOOP, "") + ",{\"role\":\"assistant\",\"content\":\"Sunny.\"},"
                + "{\"role\":\"user\",\"content\":\"thanks\"}]}");
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"), out.get("thinking"));
        assertEquals(
                "messages[1].thinking_blocks[0].type",
                refused("{\"model\":\"m\",\"messages\":["
                                + String.format(TOOL_LOOP, "\"thinking_blocks\":[{\"type\":\"text\"}],") + "]}")
                        .param());
    }

    @Test
    void reasoningContentOfEarlierAnswers_leftOut() throws Exception {
        Object messages = messagesOf("[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\","
                + "\"reasoning_content\":\"thought\"},{\"role\":\"user\",\"content\":\"q2\"}]");
        assertEquals(json("[{\"type\":\"text\",\"text\":\"a\"}]"), TestJson.at(messages, 1, "content"));
    }
}
