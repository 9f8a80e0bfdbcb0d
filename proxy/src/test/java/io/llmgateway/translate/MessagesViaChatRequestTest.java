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

/** Messages requests (Anthropic's documented examples) as the Chat Completions requests OpenAI documents. */
class MessagesViaChatRequestTest {

    /** Translates {@code json} (single quotes for double ones) for {@code alias}; the input stays the caller's. */
    static String translate(String json, String alias) throws BadRequestException {
        ByteBuf in = PooledByteBufAllocator.DEFAULT
                .directBuffer()
                .writeBytes(json.replace('\'', '"').getBytes(UTF_8));
        try {
            ByteBuf out = MessagesViaChatRequest.translate(PooledByteBufAllocator.DEFAULT, in, alias);
            try {
                return out.toString(UTF_8);
            } finally {
                out.release();
            }
        } finally {
            assertEquals(1, in.refCnt(), "the client's body is neither consumed nor released");
            in.release();
        }
    }

    static Object chat(String json) throws BadRequestException {
        return TestJson.parse(translate(json, "gpt-4.1"));
    }

    static Object json(String singleQuoted) {
        return TestJson.parse(singleQuoted.replace('\'', '"'));
    }

    static BadRequestException refused(String json) {
        return assertThrows(BadRequestException.class, () -> translate(json, "gpt-4.1"));
    }

    @Test
    void toolUseRoundTrip_documentedExample() throws Exception {
        String request = "{'model':'claude-sonnet-4-5','max_tokens':1024,"
                + "'tools':[{'name':'get_weather','description':'Get the current weather in a given location',"
                + "'input_schema':{'type':'object','properties':{'location':{'type':'string',"
                + "'description':'The city and state, e.g. San Francisco, CA'}},'required':['location']}}],"
                + "'messages':[{'role':'user','content':'What is the weather like in San Francisco?'},"
                + "{'role':'assistant','content':[{'type':'text','text':'I will use get_weather.'},"
                + "{'type':'tool_use','id':'toolu_01A09q90qw90lq917835lq9','name':'get_weather',"
                + "'input':{'location':'San Francisco, CA','unit':'celsius'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_01A09q90qw90lq917835lq9',"
                + "'content':'15 degrees'}]}]}";
        Object expected = json("{'model':'gpt-4.1','messages':["
                + "{'role':'user','content':'What is the weather like in San Francisco?'},"
                + "{'role':'assistant','content':'I will use get_weather.','tool_calls':[{'id':'toolu_01A09q90qw90lq917835lq9',"
                + "'type':'function','function':{'name':'get_weather',"
                + "'arguments':'{\\'location\\':\\'San Francisco, CA\\',\\'unit\\':\\'celsius\\'}'}}]},"
                + "{'role':'tool','tool_call_id':'toolu_01A09q90qw90lq917835lq9','content':'15 degrees'}],"
                + "'max_completion_tokens':1024,"
                + "'tools':[{'type':'function','function':{'name':'get_weather',"
                + "'description':'Get the current weather in a given location',"
                + "'parameters':{'type':'object','properties':{'location':{'type':'string',"
                + "'description':'The city and state, e.g. San Francisco, CA'}},'required':['location']}}}]}");
        assertEquals(expected, chat(request));
    }

    @Test
    void system_stringOrTextBlocks_becomesTheFirstMessage() throws Exception {
        Object fromString = chat("{'messages':[{'role':'user','content':'Hi'}],'max_tokens':5,'system':'Be brief.'}");
        assertEquals(json("{'role':'system','content':'Be brief.'}"), TestJson.at(fromString, "messages", 0));
        Object fromBlocks = chat("{'model':'m','system':[{'type':'text','text':'You are Claude Code.',"
                + "'cache_control':{'type':'ephemeral'}},{'type':'text','text':'Be brief.'}],"
                + "'messages':[{'role':'user','content':'Hi'}],'max_tokens':5}");
        assertEquals(
                json(
                        "[{'role':'system','content':'You are Claude Code.\\n\\nBe brief.'},{'role':'user','content':'Hi'}]"),
                TestJson.at(fromBlocks, "messages"));
    }

    @Test
    void userBlocks_textAndImages_becomeContentParts() throws Exception {
        Object chat = chat("{'max_tokens':5,'messages':[{'role':'user','content':["
                + "{'type':'image','source':{'type':'base64','media_type':'image/jpeg','data':'/9j/4AAQ'}},"
                + "{'type':'image','source':{'type':'url','url':'https://upload.wikimedia.org/a.jpg'}},"
                + "{'type':'text','text':'Describe these.','cache_control':{'type':'ephemeral'}}]}]}");
        assertEquals(
                json("{'role':'user','content':["
                        + "{'type':'image_url','image_url':{'url':'data:image/jpeg;base64,/9j/4AAQ'}},"
                        + "{'type':'image_url','image_url':{'url':'https://upload.wikimedia.org/a.jpg'}},"
                        + "{'type':'text','text':'Describe these.'}]}"),
                TestJson.at(chat, "messages", 0));
    }

    @Test
    void documents_pdfBecomesAFilePartAndPlainTextATextPart() throws Exception {
        Object chat = chat(
                "{'max_tokens':5,'messages':[{'role':'user','content':["
                        + "{'type':'document','title':'report.pdf','source':{'type':'base64','media_type':'application/pdf','data':'JVBERi0x'}},"
                        + "{'type':'document','source':{'type':'text','media_type':'text/plain','data':'The grass is green.'}}]}]}");
        assertEquals(
                json(
                        "[{'type':'file','file':{'filename':'report.pdf','file_data':'data:application/pdf;base64,JVBERi0x'}},"
                                + "{'type':'text','text':'The grass is green.'}]"),
                TestJson.at(chat, "messages", 0, "content"));
    }

    @Test
    void toolResults_goRightAfterTheAssistantTurnBeforeTheUsersText() throws Exception {
        Object chat = chat("{'max_tokens':5,'messages':["
                + "{'role':'assistant','content':[{'type':'tool_use','id':'toolu_1','name':'a','input':{}},"
                + "{'type':'tool_use','id':'toolu_2','name':'b','input':{'q':[1,2]}}]},"
                + "{'role':'user','content':[{'type':'text','text':'Here you are.'},"
                + "{'type':'tool_result','tool_use_id':'toolu_1','content':[{'type':'text','text':'line 1'},{'type':'text','text':'line 2'}]},"
                + "{'type':'tool_result','tool_use_id':'toolu_2','is_error':true,'content':'not found'}]}]}");
        assertEquals(
                json("[{'role':'assistant','content':null,'tool_calls':["
                        + "{'id':'toolu_1','type':'function','function':{'name':'a','arguments':'{}'}},"
                        + "{'id':'toolu_2','type':'function','function':{'name':'b','arguments':'{\\'q\\':[1,2]}'}}]},"
                        + "{'role':'tool','tool_call_id':'toolu_1','content':'line 1\\nline 2'},"
                        + "{'role':'tool','tool_call_id':'toolu_2','content':'Error: not found'},"
                        + "{'role':'user','content':[{'type':'text','text':'Here you are.'}]}]"),
                TestJson.at(chat, "messages"));
    }

    @Test
    void toolResultImages_followInAUserMessage() throws Exception {
        Object chat = chat("{'max_tokens':5,'messages':[{'role':'user','content':[{'type':'tool_result',"
                + "'tool_use_id':'toolu_9','content':[{'type':'text','text':'a chart'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0K'}}]}]}]}");
        assertEquals(
                json("[{'role':'tool','tool_call_id':'toolu_9','content':'a chart'},"
                        + "{'role':'user','content':[{'type':'text','text':'Image from the result of tool call toolu_9:'},"
                        + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0K'}}]}]"),
                TestJson.at(chat, "messages"));
    }

    @Test
    void thinkingBlocks_inAssistantHistory_areDropped() throws Exception {
        // Regression: thinking blocks and their signatures in multi-turn tool use. Chat cannot carry them.
        Object chat = chat("{'max_tokens':5,'messages':[{'role':'user','content':'Weather?'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'Let me check.','signature':'EqQBCgIYAhIM'},"
                + "{'type':'redacted_thinking','data':'EmwKAhgBEgy3va3p'},"
                + "{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'location':'Paris'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'15C'}]}]}");
        assertEquals(
                json(
                        "[{'role':'user','content':'Weather?'},{'role':'assistant','content':null,'tool_calls':[{'id':'toolu_1',"
                                + "'type':'function','function':{'name':'get_weather','arguments':'{\\'location\\':\\'Paris\\'}'}}]},"
                                + "{'role':'tool','tool_call_id':'toolu_1','content':'15C'}]"),
                TestJson.at(chat, "messages"));
        Object onlyThinking = chat("{'max_tokens':5,'messages':[{'role':'assistant','content':["
                + "{'type':'thinking','thinking':'hm','signature':'x'}]}]}");
        assertEquals(json("{'role':'assistant','content':''}"), TestJson.at(onlyThinking, "messages", 0));
    }

    @Test
    void toolChoice_mapsEachType() throws Exception {
        String tools =
                "'tools':[{'name':'get_weather','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}]";
        Map<String, Object> cases = Map.of(
                "{'type':'auto'}", "auto",
                "{'type':'any'}", "required",
                "{'type':'none'}", "none",
                "{'type':'tool','name':'get_weather'}", json("{'type':'function','function':{'name':'get_weather'}}"));
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Object chat = chat("{'max_tokens':5,'messages':[{'role':'user','content':'x'}]," + tools + ",'tool_choice':"
                    + c.getKey() + "}");
            assertEquals(c.getValue(), TestJson.at(chat, "tool_choice"), c.getKey());
            assertFalse(((Map<?, ?>) chat).containsKey("parallel_tool_calls"));
            assertEquals(
                    json("[{'type':'function','function':{'name':'get_weather','parameters':{'type':'object'}}}]"),
                    TestJson.at(chat, "tools"));
        }
        Object serial = chat("{'max_tokens':5,'messages':[{'role':'user','content':'x'}]," + tools
                + ",'tool_choice':{'type':'auto','disable_parallel_tool_use':true}}");
        assertEquals(false, TestJson.at(serial, "parallel_tool_calls"));
        Object noTools = chat(
                "{'max_tokens':5,'messages':[{'role':'user','content':'x'}],'tools':[],'tool_choice':{'type':'auto'}}");
        assertFalse(((Map<?, ?>) noTools).containsKey("tool_choice"), "OpenAI refuses tool_choice without tools");
        assertFalse(((Map<?, ?>) noTools).containsKey("tools"));
    }

    @Test
    void samplingAndLimits_map() throws Exception {
        Object chat = chat("{'model':'claude-x','max_tokens':256,'stop_sequences':['\\n\\nHuman:','END'],"
                + "'temperature':0.7,'top_p':0.9,'top_k':40,'service_tier':'auto','metadata':{'user_id':'u-42'},"
                + "'stream':true,'messages':[{'role':'user','content':'x'}]}");
        assertEquals(
                json("{'model':'gpt-4.1','messages':[{'role':'user','content':'x'}],'max_completion_tokens':256,"
                        + "'stop':['\\n\\nHuman:','END'],'temperature':0.7,'top_p':0.9,'user':'u-42','stream':true,"
                        + "'stream_options':{'include_usage':true}}"),
                chat);
        Object notStreamed = chat(
                "{'max_tokens':1,'stream':false,'metadata':{'user_id':null},'messages':[{'role':'user','content':'x'}]}");
        assertEquals(
                json("{'model':'gpt-4.1','messages':[{'role':'user','content':'x'}],'max_completion_tokens':1}"),
                notStreamed);
    }

    @Test
    void thinking_becomesReasoningEffortOnlyForModelsThatTakeIt() throws Exception {
        String request = "{'max_tokens':20000,'thinking':{'type':'enabled','budget_tokens':%d},"
                + "'messages':[{'role':'user','content':'x'}]}";
        assertEquals("low", TestJson.at(TestJson.parse(translate(request.formatted(1024), "o3")), "reasoning_effort"));
        assertEquals(
                "medium",
                TestJson.at(TestJson.parse(translate(request.formatted(8000), "o4-mini")), "reasoning_effort"));
        assertEquals(
                "high", TestJson.at(TestJson.parse(translate(request.formatted(16384), "gpt-5")), "reasoning_effort"));
        assertEquals(
                "medium",
                TestJson.at(
                        TestJson.parse(translate(request.formatted(4096), "gemini-2.5-flash")), "reasoning_effort"));
        Map<?, ?> plain = (Map<?, ?>) TestJson.parse(translate(request.formatted(8000), "gpt-4.1"));
        assertFalse(plain.containsKey("reasoning_effort"), "OpenAI refuses reasoning_effort for gpt-4.1");
        Map<?, ?> disabled = (Map<?, ?>) TestJson.parse(translate(
                "{'max_tokens':5,'thinking':{'type':'disabled'},'messages':[{'role':'user','content':'x'}]}", "o3"));
        assertFalse(disabled.containsKey("reasoning_effort"));
        assertTrue(MessagesViaChatRequest.takesReasoningEffort("openai/o3-mini"));
        assertFalse(MessagesViaChatRequest.takesReasoningEffort("o1-mini"));
        assertFalse(MessagesViaChatRequest.takesReasoningEffort("gpt-5-chat-latest"));
        assertFalse(MessagesViaChatRequest.takesReasoningEffort("gpt-4o"));
    }

    @Test
    void systemAfterMessages_stillGoesFirst() throws Exception {
        Object chat = chat("{'messages':[{'role':'user','content':'Hi'}],'system':'S','max_tokens':5}");
        assertEquals("system", TestJson.at(chat, "messages", 0, "role"));
    }

    @Test
    void refusals_nameTheField() {
        assertRefused("{'max_tokens':5,'messages':[],'mcp_servers':[]}", "mcp_servers");
        assertRefused("{'max_tokens':5,'messages':[],'container':'c'}", "container");
        assertRefused("{'max_tokens':5,'messages':[],'some_future_field':1}", "some_future_field");
        assertRefused("{'messages':[]}", "max_tokens");
        assertRefused("{'max_tokens':5}", "messages");
        assertRefused("{'max_tokens':5,'messages':[{'role':'system','content':'x'}]}", "messages.0.role");
        assertRefused(
                "{'max_tokens':5,'messages':[{'role':'user','content':[{'type':'search_result','source':'s','title':'t','content':[]}]}]}",
                "messages.0.content.0.type");
        assertRefused(
                "{'max_tokens':5,'messages':[{'role':'assistant','content':[{'type':'server_tool_use','id':'s','name':'web_search','input':{}}]}]}",
                "messages.0.content.0.type");
        assertRefused(
                "{'max_tokens':5,'messages':[{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]}]}",
                "messages.0.content.0.source.file_id");
        assertRefused(
                "{'max_tokens':5,'messages':[{'role':'user','content':[{'type':'text','text':'x','flavour':1}]}]}",
                "messages.0.content.0.flavour");
        assertRefused(
                "{'max_tokens':5,'messages':[],'tools':[{'type':'web_search_20250305','name':'web_search'}]}",
                "tools.0.type");
        assertRefused("{'max_tokens':5,'messages':[],'tools':[{'name':'x'}]}", "tools.0.input_schema");
        assertRefused(
                "{'max_tokens':5,'messages':[],'tools':[{'name':'x','input_schema':{}}],'tool_choice':{'type':'tool'}}",
                "tool_choice.name");
        assertRefused("{'max_tokens':5,'messages':[],'system':[{'type':'image','source':{}}]}", "system.0.type");
        assertRefused("{'max_tokens':5,'messages':[],'temperature':'hot'}", "temperature");
        BadRequestException notJson = refused("{'max_tokens':5,'messages':[");
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
    }

    private static void assertRefused(String json, String param) {
        BadRequestException e = refused(json);
        assertEquals(param, e.param(), e.getMessage());
        assertTrue(e.getMessage().startsWith(param + ": "), e.getMessage());
    }

    @Test
    void translate_leavesNoBufferBehind_onSuccessAndOnRefusal() throws Exception {
        ByteBuf heap =
                Unpooled.copiedBuffer("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", UTF_8);
        heap.readerIndex(0);
        ByteBuf out = MessagesViaChatRequest.translate(PooledByteBufAllocator.DEFAULT, heap, "m");
        assertEquals(
                List.of("model", "messages", "max_completion_tokens"),
                List.copyOf(TestJson.parseObject(out.toString(UTF_8)).keySet()));
        out.release();
        assertEquals(1, heap.refCnt());
        heap.release();
        refused("{'max_tokens':5,'messages':[{'role':'user','content':[{'type':'text','text':'x'},{'type':'nope'}]}]}");
    }
}
