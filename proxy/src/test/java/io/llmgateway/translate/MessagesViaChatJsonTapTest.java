package io.llmgateway.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.protocol.Usage;
import io.llmgateway.testing.TestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI's documented {@code chat.completion} answers as the Messages answers Anthropic documents. */
class MessagesViaChatJsonTapTest {
    private static final String TEXT_ANSWER =
            "{'id':'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT','object':'chat.completion',"
                    + "'created':1741569952,'model':'gpt-4.1-2025-04-14','choices':[{'index':0,'message':{'role':'assistant',"
                    + "'content':'Hello! How can I assist you today?','refusal':null,'annotations':[]},'logprobs':null,"
                    + "'finish_reason':'stop'}],'usage':{'prompt_tokens':19,'completion_tokens':10,'total_tokens':29,"
                    + "'prompt_tokens_details':{'cached_tokens':0,'audio_tokens':0},'completion_tokens_details':"
                    + "{'reasoning_tokens':0,'audio_tokens':0,'accepted_prediction_tokens':0,'rejected_prediction_tokens':0}},"
                    + "'service_tier':'default'}";

    private static final String TOOL_ANSWER = "{'id':'chatcmpl-abc123','object':'chat.completion','created':1699896916,"
            + "'model':'gpt-4o-mini','choices':[{'index':0,'message':{'role':'assistant','content':null,'tool_calls':["
            + "{'id':'call_abc123','type':'function','function':{'name':'get_current_weather',"
            + "'arguments':'{\\n\\'location\\': \\'Boston, MA\\'\\n}'}},"
            + "{'id':'call_def456','type':'function','function':{'name':'get_time','arguments':''}}]},"
            + "'logprobs':null,'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':2082,'completion_tokens':17,"
            + "'total_tokens':2099,'prompt_tokens_details':{'cached_tokens':1920}}}";

    /** Runs {@code answer} (single quotes for double ones) through a tap, cut at every {@code step} bytes. */
    static Map<String, Object> translate(MessagesViaChatJsonTap tap, String answer, int step) {
        byte[] bytes = answer.replace('\'', '"').getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i += step) {
            int n = Math.min(step, bytes.length - i);
            ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(bytes, i, n);
            ByteBuf out = tap.onChunk(in);
            assertEquals(0, in.refCnt(), "the chunk is released");
            assertEquals(0, out.readableBytes(), "nothing goes out before the end");
            out.release();
        }
        ByteBuf out = tap.onEnd();
        try {
            return TestJson.parseObject(out.toString(UTF_8));
        } finally {
            out.release();
            tap.release();
        }
    }

    static Map<String, Object> translate(String answer) {
        return translate(new MessagesViaChatJsonTap("claude-sonnet"), answer, 1 << 20);
    }

    static Object json(String singleQuoted) {
        return TestJson.parse(singleQuoted.replace('\'', '"'));
    }

    @Test
    void text_becomesAMessage() {
        MessagesViaChatJsonTap tap = new MessagesViaChatJsonTap("claude-sonnet");
        Map<String, Object> message = translate(tap, TEXT_ANSWER, 1 << 20);
        assertEquals(
                json("{'id':'msg_chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT','type':'message','role':'assistant',"
                        + "'model':'gpt-4.1-2025-04-14','content':[{'type':'text','text':'Hello! How can I assist you today?'}],"
                        + "'stop_reason':'end_turn','stop_sequence':null,'usage':{'input_tokens':19,"
                        + "'cache_creation_input_tokens':0,'cache_read_input_tokens':0,'output_tokens':10}}"),
                message);
        assertEquals(new Usage(19, 10, 29, false), tap.usage());
    }

    @Test
    void cutAtEveryByte_translatesTheSame() {
        assertEquals(translate(TOOL_ANSWER), translate(new MessagesViaChatJsonTap("claude-sonnet"), TOOL_ANSWER, 1));
    }

    @Test
    void toolCalls_becomeToolUseBlocksWithParsedInput_andCachedTokensAreCacheReads() {
        MessagesViaChatJsonTap tap = new MessagesViaChatJsonTap("claude-sonnet");
        Map<String, Object> message = translate(tap, TOOL_ANSWER, 1 << 20);
        assertEquals(
                json(
                        "[{'type':'tool_use','id':'call_abc123','name':'get_current_weather','input':{'location':'Boston, MA'}},"
                                + "{'type':'tool_use','id':'call_def456','name':'get_time','input':{}}]"),
                message.get("content"));
        assertEquals("tool_use", message.get("stop_reason"));
        assertEquals(new Usage(2082, 17, 2099, false, 0, 1920), tap.usage());
        assertEquals(
                json(
                        "{'input_tokens':162,'cache_creation_input_tokens':0,'cache_read_input_tokens':1920,'output_tokens':17}"),
                message.get("usage"));
    }

    @Test
    void reasoning_becomesAThinkingBlockBeforeTheText() {
        Map<String, Object> message = translate(
                "{'id':'x','model':'deepseek-reasoner','choices':[{'index':0,'message':"
                        + "{'role':'assistant','reasoning_content':'9.11 < 9.9','content':'9.9 is larger.'},'finish_reason':'stop'}]}");
        assertEquals(
                json(
                        "[{'type':'thinking','thinking':'9.11 < 9.9','signature':''},{'type':'text','text':'9.9 is larger.'}]"),
                message.get("content"));
        assertEquals(
                json(
                        "{'input_tokens':0,'cache_creation_input_tokens':0,'cache_read_input_tokens':0,'output_tokens':0}"),
                message.get("usage"));
    }

    @Test
    void finishReasons_mapToStopReasons() {
        Map<String, String> expected = Map.of(
                "stop", "end_turn", "length", "max_tokens", "tool_calls", "tool_use", "content_filter", "refusal");
        expected.forEach((finish, stop) -> assertEquals(
                stop,
                translate("{'id':'x','model':'m','choices':[{'index':0,'message':{'content':'a'},'finish_reason':'"
                                + finish + "'}]}")
                        .get("stop_reason")));
        Map<String, Object> refusal = translate("{'id':'x','model':'m','choices':[{'index':0,'message':{'content':null,"
                + "'refusal':'I cannot help with that.'},'finish_reason':'stop'}]}");
        assertEquals("refusal", refusal.get("stop_reason"));
        assertEquals(json("[{'type':'text','text':'I cannot help with that.'}]"), refusal.get("content"));
        Map<String, Object> vllm = translate("{'id':'x','model':'m','choices':[{'index':0,'message':{'content':'1, 2'},"
                + "'finish_reason':'stop','stop_reason':'3'}]}");
        assertEquals("stop_sequence", vllm.get("stop_reason"));
        assertEquals("3", vllm.get("stop_sequence"));
    }

    @Test
    void brokenArguments_areKeptAsAString() {
        Map<String, Object> message = translate(
                "{'id':'x','model':'m','choices':[{'index':0,'message':{'tool_calls':["
                        + "{'id':'c','type':'function','function':{'name':'f','arguments':'{\\'a\\': 1'}}]},'finish_reason':'tool_calls'}]}");
        assertEquals("{\"a\": 1", TestJson.at(message, "content", 0, "input"));
    }

    @Test
    void notAChatAnswer_becomesAnApiError() {
        MessagesViaChatJsonTap tap = new MessagesViaChatJsonTap("m");
        assertEquals(
                json(
                        "{'type':'error','error':{'type':'api_error','message':'The provider\\u0027s answer is not a Chat Completions answer.'}}"),
                translate(tap, "<html>oops</html>", 3));
        assertNull(tap.usage());
        assertEquals(
                json("{'type':'error','error':{'type':'overloaded_error','message':'busy'}}"),
                translate("{'error':{'message':'busy','type':'service_unavailable','code':null}}"));
    }

    @Test
    void release_beforeTheEnd_freesWhatIsHeld() {
        MessagesViaChatJsonTap tap = new MessagesViaChatJsonTap("m");
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("{\"id\":".getBytes(UTF_8));
        tap.onChunk(in).release();
        tap.release(); // the leak detector fails the class if the held buffer is not freed
        assertEquals(0, tap.onEnd().readableBytes());
    }
}
