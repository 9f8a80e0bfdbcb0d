package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.testing.TestJson;
import io.llmgateway.util.JsonStrings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI clients (the official openai-java SDK) of a model served by an {@code api: anthropic} provider: the
 * request goes to {@code /messages} as a Messages request with the key as {@code x-api-key}, and the answer
 * comes back as a chat completion or its chunks. The provider here answers in the Messages API's documented
 * format (its JSON message and its event stream, built in this test).
 */
class ChatViaMessagesEndToEndTest {
    private static final long NOW = 1_750_000_000L;

    private final MockUpstream anthropic = MockUpstream.start();
    private TestGateway gateway;
    private final BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(
                """
                api_provider:
                  anthropic:
                    api: anthropic
                    base_url: http://127.0.0.1:%d/v1
                    api_key: anthropic-key
                    default_max_tokens: 1000
                model_config:
                  claude-sonnet:
                    anthropic: {alias: claude-sonnet-4-5}
                """.formatted(anthropic.port()), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
        gateway.gateway().observers().add(records::add);
    }

    @AfterEach
    void stop() {
        gateway.close();
        anthropic.close();
    }

    // ---- the provider's answers, as the Messages API documents them ----

    private static String message(String content, String stopReason, int input, int cacheRead, int output) {
        return "{\"id\":\"msg_013Zva2CMHLNnXjNJJKqJ2EF\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[" + content + "],\"stop_reason\":\""
                + stopReason
                + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input
                + ",\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":" + output + "}}";
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static List<String> textStream(int input, int cacheRead, int output, String... deltas) {
        List<String> events = new ArrayList<>();
        events.add(event(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_stream1\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":0,"
                        + "\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":1}}}"));
        events.add(event(
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\": \"ping\"}"));
        for (String d : deltas) {
            events.add(event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + d
                            + "\"}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":" + output + "}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return events;
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("The weather in a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    private RecordedRequest seen() throws InterruptedException {
        return anthropic.takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void chat_translatedToMessages_andAnsweredAsAChatCompletion() throws Exception {
        anthropic.enqueue(Behaviour.json(
                200, message("{\"type\":\"text\",\"text\":\"Hello from Claude\"}", "end_turn", 12, 0, 4)));

        ChatCompletion c = gateway.openai()
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("claude-sonnet")
                        .addSystemMessage("Be brief.")
                        .addUserMessage("hi")
                        .build());

        assertEquals("Hello from Claude", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(NOW, c.created());
        assertEquals(16, c.usage().orElseThrow().totalTokens());
        RecordedRequest seen = seen();
        assertEquals("/v1/messages", seen.uri());
        assertEquals("anthropic-key", seen.header("x-api-key"));
        assertNull(seen.header("authorization"), "the client's key never reaches the provider");
        assertEquals("2023-06-01", seen.header("anthropic-version"));
        assertEquals(
                TestJson.parse("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1000,"
                        + "\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"),
                TestJson.parse(seen.body()));
        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertEquals(16, record.totalTokens());
        assertFalse(record.tokensEstimated());
        assertEquals("openai", record.clientApi());
        assertEquals("anthropic", record.providerApi());
    }

    @Test
    void stream_withIncludeUsage_chunksThenUsageWithCachedTokens() throws Exception {
        anthropic.enqueue(Behaviour.sseEvents(textStream(10, 300, 6, "Hel", "lo", " world")));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = gateway.openai()
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("claude-sonnet")
                        .addUserMessage("hi")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                if (!chunk.choices().isEmpty()) {
                    chunk.choices().get(0).delta().content().ifPresent(text::append);
                }
            });
        }

        assertEquals("Hello world", text.toString());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk comes last");
        assertEquals(310, last.usage().orElseThrow().promptTokens());
        assertEquals(6, last.usage().orElseThrow().completionTokens());
        assertEquals(
                300,
                last.usage()
                        .orElseThrow()
                        .promptTokensDetails()
                        .orElseThrow()
                        .cachedTokens()
                        .orElseThrow());
        assertTrue(chunks.stream().allMatch(ch -> ch.id().equals("msg_stream1") && ch.created() == NOW));
        assertTrue(TestJson.parse(seen().body()) instanceof Map<?, ?> body && Boolean.TRUE.equals(body.get("stream")));
        assertEquals(16, records.poll(5, TimeUnit.SECONDS).totalTokens(), "cache reads do not count against limits");
    }

    /** A tool call round trip: the call comes back as tool_calls, its result goes back as a tool_result. */
    @Test
    void toolCalls_roundTrip() throws Exception {
        anthropic.enqueue(Behaviour.json(
                200,
                message(
                        "{\"type\":\"text\",\"text\":\"Let me check.\"},{\"type\":\"tool_use\",\"id\":\"toolu_01\","
                                + "\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}",
                        "tool_use",
                        50,
                        0,
                        20)));
        anthropic.enqueue(
                Behaviour.json(200, message("{\"type\":\"text\",\"text\":\"Sunny in Paris.\"}", "end_turn", 80, 0, 5)));
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
                .model("claude-sonnet")
                .addUserMessage("Weather in Paris?")
                .addTool(weatherTool());

        ChatCompletion first = gateway.openai().chat().completions().create(params.build());

        ChatCompletionMessage asked = first.choices().get(0).message();
        assertEquals(
                ChatCompletion.Choice.FinishReason.TOOL_CALLS,
                first.choices().get(0).finishReason());
        ChatCompletionMessageFunctionToolCall call =
                asked.toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("toolu_01", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals(
                TestJson.parse("{\"city\":\"Paris\"}"),
                TestJson.parse(call.function().arguments()));
        Object firstSent = TestJson.parse(seen().body());
        assertEquals(
                TestJson.parse(
                        "[{\"name\":\"get_weather\",\"description\":\"The weather in a city\",\"input_schema\":"
                                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]"),
                TestJson.at(firstSent, "tools"));

        ChatCompletion second = gateway.openai()
                .chat()
                .completions()
                .create(params.addMessage(asked)
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(call.id())
                                .content("{\"temp\":22}")
                                .build())
                        .build());

        assertEquals(
                "Sunny in Paris.", second.choices().get(0).message().content().orElseThrow());
        Object sent = TestJson.parse(seen().body());
        assertEquals(TestJson.parse("""
                        [{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},
                         {"role":"assistant","content":[{"type":"text","text":"Let me check."},
                           {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"{\\"temp\\":22}"}]}]"""), TestJson.at(sent, "messages"));
    }

    /** Regression: a streamed tool call reaches the SDK whole (every input_json_delta, at its own index). */
    @Test
    void stream_toolCalls_accumulateToTheCalls() throws Exception {
        List<String> events = new ArrayList<>(List.of(
                event(
                        "message_start",
                        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_t\",\"type\":\"message\",\"role\":\"assistant\","
                                + "\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":30,\"output_tokens\":1}}}"),
                event(
                        "content_block_start",
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                event(
                        "content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking.\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")));
        String[][] calls = {{"toolu_A", "{\"ci", "ty\": \"Par", "is\"}"}, {"toolu_B", "{\"city\"", ": \"Rome\"}"}};
        for (int b = 0; b < calls.length; b++) {
            int index = b + 1;
            events.add(event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":" + index
                            + ",\"content_block\":{\"type\":\"tool_use\"," + "\"id\":\"" + calls[b][0]
                            + "\",\"name\":\"get_weather\",\"input\":{}}}"));
            for (int f = 1; f < calls[b].length; f++) {
                events.add(event(
                        "content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":" + index
                                + ",\"delta\":{\"type\":\"input_json_delta\"," + "\"partial_json\":"
                                + JsonStrings.quote(calls[b][f]) + "}}"));
            }
            events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
        }
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":40}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        anthropic.enqueue(Behaviour.sseEvents(events).splitEvents(true));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();

        try (StreamResponse<ChatCompletionChunk> stream = gateway.openai()
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("claude-sonnet")
                        .addUserMessage("Weather in Paris and Rome?")
                        .addTool(weatherTool())
                        .build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        ChatCompletion whole = accumulator.chatCompletion();
        ChatCompletionMessage message = whole.choices().get(0).message();
        assertEquals("Checking.", message.content().orElseThrow());
        assertEquals(
                ChatCompletion.Choice.FinishReason.TOOL_CALLS,
                whole.choices().get(0).finishReason());
        List<ChatCompletionMessageFunctionToolCall> got = message.toolCalls().orElseThrow().stream()
                .map(t -> t.asFunction())
                .toList();
        assertEquals(2, got.size());
        assertEquals("toolu_A", got.get(0).id());
        assertEquals(
                TestJson.parse("{\"city\":\"Paris\"}"),
                TestJson.parse(got.get(0).function().arguments()));
        assertEquals("toolu_B", got.get(1).id());
        assertEquals(
                TestJson.parse("{\"city\":\"Rome\"}"),
                TestJson.parse(got.get(1).function().arguments()));
    }

    /** The provider's own 400 in Anthropic's shape reaches the OpenAI client in OpenAI's shape, quoting its message. */
    @Test
    void providersAnthropicError_reachesTheClientInOpenAisShape() throws Exception {
        anthropic.enqueue(Behaviour.json(
                400,
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                        + "\"message\":\"prompt is too long: 250000 tokens > 200000 maximum\"}}"));

        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> gateway.openai()
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("claude-sonnet")
                                .addUserMessage("hi")
                                .build()));

        assertEquals(400, e.statusCode());
        assertTrue(
                e.getMessage().contains("The provider answered HTTP 400: prompt is too long: 250000 tokens > 200000"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\"type\":\"error\""), "not Anthropic's shape: " + e.getMessage());
        assertEquals("upstream_error", e.code().orElseThrow());
    }

    /** n > 1 has no equivalent: a 400 in OpenAI's shape naming the field, and nothing reaches the provider. */
    @Test
    void nOfTwo_400NamingTheField_nothingSent() throws Exception {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> gateway.openai()
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("claude-sonnet")
                                .addUserMessage("hi")
                                .n(2)
                                .build()));

        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("'n' must be 1"), e.getMessage());
        assertEquals("n", e.param().orElseThrow());
        assertNull(anthropic.takeRequest(Duration.ofMillis(200)), "nothing was sent");
        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertEquals(400, record.status());
        // The gateway is unharmed: the next request goes through.
        anthropic.enqueue(Behaviour.json(200, message("{\"type\":\"text\",\"text\":\"ok\"}", "end_turn", 1, 0, 1)));
        assertEquals(
                "ok",
                gateway.openai()
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("claude-sonnet")
                                .addUserMessage("hi")
                                .build())
                        .choices()
                        .get(0)
                        .message()
                        .content()
                        .orElseThrow());
    }
}
