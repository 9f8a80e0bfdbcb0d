package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.testing.TestJson;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anthropic's Messages API through the gateway to an OpenAI-format provider (the mock speaks OpenAI's documented
 * Chat Completions format), with the official Anthropic Java SDK: the request is translated to Chat
 * Completions, the answer back, streamed or not.
 */
class MessagesViaChatEndToEndTest {
    private static final String HEAD = "data: {\"id\":\"chatcmpl-e2e\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1735689600,\"model\":\"gpt-4.1-2025-04-14\",\"choices\":[";

    @RegisterExtension
    final MockUpstream openai = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start("""
                api_provider:
                  openai:
                    base_url: %s
                    api_key: sk-openai-main
                model_config:
                  claude-sonnet:
                    openai: {alias: gpt-4.1}
                """.formatted(openai.baseUrl()));
    }

    private static AnthropicClient sdk(TestGateway g) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(g.url(""))
                .apiKey("client-key-not-forwarded")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static MessageCreateParams.Builder ask(String text) {
        return MessageCreateParams.builder()
                .model("claude-sonnet")
                .maxTokens(1024)
                .system("Be brief.")
                .addUserMessage(text);
    }

    private static BlockingQueue<RequestRecord> records(TestGateway g) {
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        g.gateway().observers().add(records::add);
        return records;
    }

    private static final Tool WEATHER = Tool.builder()
            .name("get_weather")
            .description("The weather in a city")
            .inputSchema(Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .required(List.of("city"))
                    .build())
            .build();

    private static String chunk(String delta, String finish) {
        return HEAD + "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}\n\n";
    }

    private static String toolStart(int index, String id) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                "null");
    }

    private static String toolArgs(int index, String escapedFragment) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":\"" + escapedFragment + "\"}}]}",
                "null");
    }

    @Test
    void plainMessage_translatedBothWays() throws Exception {
        openai.setDefault(Behaviour.chatCompletion("Hello from GPT", 12, 5));
        try (TestGateway g = gateway()) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g);
            Message m = client.messages().create(ask("Hi").build()).validate();

            assertEquals("Hello from GPT", m.content().get(0).asText().text());
            assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
            assertEquals(12, m.usage().inputTokens());
            assertEquals(5, m.usage().outputTokens());
            RecordedRequest sent = openai.takeRequest(Duration.ofSeconds(5));
            assertEquals("/v1/chat/completions", sent.uri());
            assertEquals("Bearer sk-openai-main", sent.header("authorization"));
            assertNull(sent.header("x-api-key"), "the client's key is never forwarded");
            assertNull(sent.header("anthropic-version"));
            Object body = TestJson.parse(sent.body());
            assertEquals("gpt-4.1", TestJson.at(body, "model"));
            assertEquals(1024L, TestJson.at(body, "max_completion_tokens"));
            assertEquals(
                    TestJson.parse(
                            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]"),
                    TestJson.at(body, "messages"));
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertEquals("anthropic", r.clientApi());
            assertEquals("openai", r.providerApi());
            assertEquals(12, r.promptTokens());
            assertEquals(5, r.completionTokens());
            assertFalse(r.tokensEstimated());
            client.close();
        }
    }

    @Test
    void azureDeployment_getsTheTranslatedRequestAtItsUrlWithItsKey() throws Exception {
        openai.setDefault(Behaviour.chatCompletion("Hello from Azure"));
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  azure-east:
                    api: azure
                    base_url: http://127.0.0.1:%d/openai
                    api_key: az-key
                model_config:
                  claude-sonnet:
                    azure-east: {alias: gpt-4o-deploy}
                """.formatted(openai.port()))) {
            AnthropicClient client = sdk(g);
            assertEquals(
                    "Hello from Azure",
                    client.messages()
                            .create(ask("Hi").build())
                            .content()
                            .get(0)
                            .asText()
                            .text());
            RecordedRequest sent = openai.takeRequest(Duration.ofSeconds(5));
            assertEquals("/openai/deployments/gpt-4o-deploy/chat/completions?api-version=2024-10-21", sent.uri());
            assertEquals("az-key", sent.header("api-key"));
            assertNull(sent.header("authorization"));
            client.close();
        }
    }

    @Test
    void streamedText_accumulatesWithTheSdk_andTheUsageIsAccounted() throws Exception {
        openai.setDefault(Behaviour.sse("Hel", "lo ", "world"));
        try (TestGateway g = gateway()) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g);
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s =
                    client.messages().createStreaming(ask("Hi").build())) {
                s.stream().forEach(acc::accumulate);
            }
            Message m = acc.message();
            assertEquals("Hello world", m.content().get(0).asText().text());
            assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
            Object body =
                    TestJson.parse(openai.takeRequest(Duration.ofSeconds(5)).body());
            assertEquals(true, TestJson.at(body, "stream"));
            assertEquals(true, TestJson.at(body, "stream_options", "include_usage"));
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertTrue(r.stream());
            assertFalse(r.tokensEstimated(), "the provider's usage chunk was read");
            assertEquals(m.usage().outputTokens(), r.completionTokens());
            client.close();
        }
    }

    @Test
    void toolUseRoundTrip_toolCallsAndToolResultsTranslated() throws Exception {
        openai.enqueue(Behaviour.json(
                200,
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4.1\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":32}}}"));
        openai.enqueue(Behaviour.chatCompletion("It is sunny in Paris."));
        try (TestGateway g = gateway()) {
            AnthropicClient client = sdk(g);
            MessageCreateParams first =
                    ask("Weather in Paris?").addTool(WEATHER).build();
            Message call = client.messages().create(first).validate();
            assertEquals(StopReason.TOOL_USE, call.stopReason().orElseThrow());
            assertEquals("call_w1", call.content().get(0).asToolUse().id());
            assertEquals(
                    Map.of("city", "Paris"),
                    call.content().get(0).asToolUse()._input().convert(Map.class));
            assertEquals(8, call.usage().inputTokens());
            assertEquals(32, call.usage().cacheReadInputTokens().orElseThrow());

            MessageCreateParams second = first.toBuilder()
                    .addMessage(call)
                    .addUserMessageOfContentBlockParams(
                            List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                    .toolUseId("call_w1")
                                    .content("Sunny, 24C")
                                    .build())))
                    .build();
            Message answer = client.messages().create(second);
            assertEquals(
                    "It is sunny in Paris.", answer.content().get(0).asText().text());

            Object turn1 =
                    TestJson.parse(openai.takeRequest(Duration.ofSeconds(5)).body());
            assertEquals("get_weather", TestJson.at(turn1, "tools", 0, "function", "name"));
            assertEquals("object", TestJson.at(turn1, "tools", 0, "function", "parameters", "type"));
            Object turn2 =
                    TestJson.parse(openai.takeRequest(Duration.ofSeconds(5)).body());
            assertEquals(
                    TestJson.parse("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_w1\","
                            + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                            + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"),
                    TestJson.at(turn2, "messages", 2));
            assertEquals(
                    TestJson.parse("{\"role\":\"tool\",\"tool_call_id\":\"call_w1\",\"content\":\"Sunny, 24C\"}"),
                    TestJson.at(turn2, "messages", 3));
            client.close();
        }
    }

    @Test
    void streamedParallelToolCalls_reachTheSdkAsTwoToolUseBlocks() throws Exception {
        // Regression: input_json_delta dropped, tool indexes mixed up (here the fragments even interleave).
        openai.setDefault(Behaviour.sseEvents(List.of(
                chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
                chunk("{\"reasoning_content\":\"Two cities.\"}", "null"),
                toolStart(0, "call_p"),
                toolStart(1, "call_r"),
                toolArgs(0, "{\\\"city\\\":"),
                toolArgs(1, "{\\\"city\\\": \\\"Ro"),
                toolArgs(0, " \\\"Paris\\\"}"),
                toolArgs(1, "me\\\"}"),
                chunk("{}", "\"tool_calls\""),
                HEAD + "],\"usage\":{\"prompt_tokens\":60,\"completion_tokens\":30,\"total_tokens\":90}}\n\n",
                "data: [DONE]\n\n")));
        try (TestGateway g = gateway()) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g);
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = client.messages()
                    .createStreaming(
                            ask("Weather in Paris and Rome?").addTool(WEATHER).build())) {
                s.stream().forEach(acc::accumulate);
            }
            Message m = acc.message();
            assertEquals("Two cities.", m.content().get(0).asThinking().thinking(), "thinking kept");
            assertEquals("call_p", m.content().get(1).asToolUse().id());
            assertEquals(
                    Map.of("city", "Paris"),
                    m.content().get(1).asToolUse()._input().convert(Map.class));
            assertEquals("call_r", m.content().get(2).asToolUse().id());
            assertEquals(
                    Map.of("city", "Rome"),
                    m.content().get(2).asToolUse()._input().convert(Map.class));
            assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
            assertEquals(60, m.usage().inputTokens());
            assertEquals(30, m.usage().outputTokens());
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertEquals(60, r.promptTokens());
            assertEquals(30, r.completionTokens());
            client.close();
        }
    }

    @Test
    void thinkingInTheHistory_neverReachesTheOpenAiProvider() throws Exception {
        openai.setDefault(Behaviour.chatCompletion("ok"));
        String body = "{\"model\":\"claude-sonnet\",\"max_tokens\":64,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"Ab+/==\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"24C\"},"
                + "{\"type\":\"text\",\"text\":\"Thanks\"}]}]}";
        try (TestGateway g = gateway()) {
            HttpResponse<String> r = g.post("/v1/messages?beta=true", body);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("ok", TestJson.at(TestJson.parse(r.body()), "content", 0, "text"));
            RecordedRequest sent = openai.takeRequest(Duration.ofSeconds(5));
            assertEquals("/v1/chat/completions", sent.uri(), "Claude Code's ?beta=true is Anthropic's alone");
            assertFalse(sent.body().contains("Ab+/=="), sent.body());
            Object chat = TestJson.parse(sent.body());
            assertEquals("tool", TestJson.at(chat, "messages", 2, "role"));
            assertEquals("user", TestJson.at(chat, "messages", 3, "role"));
        }
    }

    @Test
    void unsupportedContent_isRefusedWithA400InAnthropicsShape_andNothingIsSent() throws Exception {
        try (TestGateway g = gateway()) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://x\","
                            + "\"name\":\"x\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(
                    "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"mcp_servers: Extra"
                            + " inputs are not permitted (no equivalent at an OpenAI-format provider)\"}}",
                    r.body());
            AnthropicClient client = sdk(g);
            BadRequestException e = assertThrows(
                    BadRequestException.class,
                    () -> client.messages()
                            .create(ask("x").addTool(Tool.builder()
                                            .name("web_search")
                                            .inputSchema(
                                                    Tool.InputSchema.builder().build())
                                            .type(Tool.Type.CUSTOM)
                                            .build())
                                    .putAdditionalBodyProperty("container", JsonValue.from("c1"))
                                    .build()));
            assertTrue(e.getMessage().contains("container"), e.getMessage());
            assertEquals(0, openai.requests().size());
            client.close();
        }
    }

    @Test
    void providersErrorMidStream_becomesAnAnthropicErrorEvent() throws Exception {
        openai.setDefault(Behaviour.sseEvents(List.of(
                chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", "null"),
                "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,"
                        + "\"code\":null}}\n\n")));
        try (TestGateway g = gateway()) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("event: message_start\n"), r.body());
            assertTrue(
                    r.body()
                            .endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                    + "\"message\":\"The server had an error\"}}\n\n"),
                    r.body());
        }
    }
}
