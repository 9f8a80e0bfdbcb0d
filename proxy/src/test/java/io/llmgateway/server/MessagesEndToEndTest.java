package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Anthropic's Messages API through the gateway to Anthropic providers, with the official Java SDK. */
class MessagesEndToEndTest {
    private static final AnthropicAnswer THINK_THEN_CALL = AnthropicAnswer.text("Let me ", "look.")
            .withThinking("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxB+/sig==", "The user wants ", "the weather.")
            .withToolUse("toolu_01A", "get_weather", "{\"city\":", " \"Par", "is\"}")
            .withUsage(30, 45)
            .withCache(100, 2000);

    @RegisterExtension
    final MockUpstream claude = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway gateway(String extra) throws Exception {
        return TestGateway.start(extra + """
                api_provider:
                  claude:
                    api: anthropic
                    base_url: %s
                    api_key: sk-ant-main
                  spare:
                    api: anthropic
                    base_url: %s
                    api_key: sk-ant-spare
                    anthropic_version: 2024-10-22
                  openai:
                    base_url: %s
                    api_key: sk-openai
                model_config:
                  claude-sonnet:
                    claude: {alias: claude-sonnet-4-5}
                    spare: {alias: claude-sonnet-4-5-spare}
                  gpt-4o:
                    openai: {}
                """.formatted(claude.baseUrl(), spare.baseUrl(), spare.baseUrl()));
    }

    private static AnthropicClient sdk(TestGateway g, String key) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(g.url(""))
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static MessageCreateParams.Builder ask(String text) {
        return MessageCreateParams.builder()
                .model("claude-sonnet")
                .maxTokens(1024)
                .addUserMessage(text);
    }

    private static BlockingQueue<RequestRecord> records(TestGateway g) {
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        g.gateway().observers().add(records::add);
        return records;
    }

    @Test
    void plainMessage_passesThrough_withTheAliasTheProvidersKeyAndAVersion() throws Exception {
        claude.setDefault(AnthropicAnswer.text("Hello from Claude").auto());
        try (TestGateway g = gateway("")) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g, "client-key-not-forwarded");
            Message m = client.messages().create(ask("Hi").build()).validate();

            assertEquals("Hello from Claude", m.content().get(0).asText().text());
            assertEquals("claude-sonnet-4-5", m.model().asString(), "the provider's answer as it is");
            RecordedRequest sent = claude.takeRequest(Duration.ofSeconds(5));
            assertEquals("/v1/messages", sent.uri());
            assertEquals("sk-ant-main", sent.header("x-api-key"));
            assertNull(sent.header("authorization"));
            assertNotNull(sent.header("anthropic-version"), "the SDK's own version goes along");
            assertTrue(sent.body().contains("\"model\":\"claude-sonnet-4-5\""), sent.body());
            assertFalse(sent.body().contains("client-key-not-forwarded"));
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertEquals("/messages", r.path());
            assertEquals("anthropic", r.clientApi());
            assertEquals("anthropic", r.providerApi());
            assertEquals(10, r.promptTokens());
            assertEquals(5, r.completionTokens());
            assertFalse(r.tokensEstimated());
            client.close();
        }
    }

    @Test
    void versionAndBeta_clientsGoAlong_elseTheProvidersConfiguredVersion() throws Exception {
        spare.setDefault(AnthropicAnswer.text("ok").json());
        try (TestGateway g = gateway("")) {
            String body =
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            claude.enqueue(AnthropicAnswer.overloaded()); // so that the request reaches spare
            HttpResponse<String> r = g.post("/v1/messages", body, "anthropic-beta", "prompt-caching-2024-07-31");
            assertEquals(200, r.statusCode(), r.body());
            claude.takeRequest(Duration.ofSeconds(5));
            RecordedRequest sent = spare.takeRequest(Duration.ofSeconds(5));
            assertEquals("2024-10-22", sent.header("anthropic-version"), "the provider's anthropic_version");
            assertEquals("prompt-caching-2024-07-31", sent.header("anthropic-beta"));
            assertEquals("sk-ant-spare", sent.header("x-api-key"));
        }
    }

    @Test
    void streamedToolUseWithThinking_accumulatesWithTheSdk_andCacheTokensAreAccounted() throws Exception {
        claude.setDefault(THINK_THEN_CALL.auto());
        try (TestGateway g = gateway("")) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g, "k");
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s =
                    client.messages().createStreaming(ask("Weather in Paris?").build())) {
                s.stream().forEach(acc::accumulate);
            }
            Message m = acc.message();
            ContentBlock thinking = m.content().get(1);
            assertEquals("The user wants the weather.", thinking.asThinking().thinking());
            assertEquals(
                    "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxB+/sig==",
                    thinking.asThinking().signature());
            assertEquals("Let me look.", m.content().get(0).asText().text());
            assertEquals("get_weather", m.content().get(2).asToolUse().name());
            assertEquals(
                    Map.of("city", "Paris"),
                    m.content().get(2).asToolUse()._input().convert(Map.class));
            assertEquals(2000, m.usage().cacheReadInputTokens().orElseThrow());

            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertTrue(r.stream());
            assertEquals(30 + 100 + 2000, r.promptTokens());
            assertEquals(45, r.completionTokens());
            assertEquals(30 + 100 + 45, r.totalTokens(), "cache reads do not count against token limits");
            assertEquals(100, r.cacheCreationTokens());
            assertEquals(2000, r.cacheReadTokens());
            assertFalse(r.tokensEstimated());

            String metrics = g.get("/metrics").body();
            assertTrue(
                    metrics.contains("llm_gateway_tokens_total{kind=\"cache_read\",model=\"claude-sonnet\","
                            + "provider=\"claude\",source=\"reported\"} 2000.0"),
                    metrics);
            client.close();
        }
    }

    @Test
    void toolUseRoundTrip_multiTurnWithThinking_signaturesReachTheProviderUnchanged() throws Exception {
        claude.enqueue(THINK_THEN_CALL.json());
        claude.enqueue(AnthropicAnswer.text("It is sunny in Paris.").json());
        try (TestGateway g = gateway("")) {
            AnthropicClient client = sdk(g, "k");
            Tool weather = Tool.builder()
                    .name("get_weather")
                    .inputSchema(Tool.InputSchema.builder()
                            .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .build())
                    .build();
            MessageCreateParams first =
                    ask("Weather in Paris?").addTool(weather).build();
            Message call = client.messages().create(first);
            String toolUseId = call.content().get(2).asToolUse().id();

            MessageCreateParams second = first.toBuilder()
                    .addMessage(call)
                    .addUserMessageOfContentBlockParams(
                            List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                    .toolUseId(toolUseId)
                                    .content("Sunny, 24C")
                                    .build())))
                    .build();
            Message answer = client.messages().create(second);
            assertEquals(
                    "It is sunny in Paris.", answer.content().get(0).asText().text());

            claude.takeRequest(Duration.ofSeconds(5));
            String turn2 = claude.takeRequest(Duration.ofSeconds(5)).body();
            assertTrue(turn2.contains("\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxB+/sig==\""), turn2);
            assertTrue(turn2.contains("\"thinking\":\"The user wants the weather.\""), turn2);
            assertTrue(turn2.contains("\"tool_use_id\":\"toolu_01A\""), turn2);
            client.close();
        }
    }

    @Test
    void passThrough_changesNothingButTheModel_byteForByte() throws Exception {
        claude.setDefault(AnthropicAnswer.text("ok").json());
        // Odd spacing, escapes, a thinking block with its signature, cache_control: all must arrive as sent.
        String body = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"q\\\"\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\\n\","
                + "\"signature\":\"Ab+/==\"},{\"type\":\"redacted_thinking\",\"data\":\"ZZZ\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"go\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]}],\n"
                + "  \"model\":\"claude-sonnet\" , \"max_tokens\":64, \"metadata\":{\"user_id\":\"u1\"} }";
        try (TestGateway g = gateway("")) {
            HttpResponse<String> r = g.post("/v1/messages", body);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(
                    body.replace("\"claude-sonnet\"", "\"claude-sonnet-4-5\""),
                    claude.takeRequest(Duration.ofSeconds(5)).body());
        }
    }

    @Test
    void countTokens_forwardedToTheModelsAnthropicProvider() throws Exception {
        claude.enqueue(AnthropicAnswer.countTokens(42));
        try (TestGateway g = gateway("")) {
            AnthropicClient client = sdk(g, "k");
            long n = client.messages()
                    .countTokens(MessageCountTokensParams.builder()
                            .model("claude-sonnet")
                            .addUserMessage("How many tokens?")
                            .build())
                    .inputTokens();
            assertEquals(42, n);
            RecordedRequest sent = claude.takeRequest(Duration.ofSeconds(5));
            assertEquals("/v1/messages/count_tokens", sent.uri());
            assertTrue(sent.body().contains("\"model\":\"claude-sonnet-4-5\""), sent.body());
            assertEquals("sk-ant-main", sent.header("x-api-key"));
            client.close();
        }
    }

    @Test
    void countTokens_ofAModelWithoutAnthropicProvider_isCountedByTheGateway() throws Exception {
        try (TestGateway g = gateway("""
                gateway:
                  api_keys:
                    - {name: team, key: sk-count-tokens-key}
                """)) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g, "sk-count-tokens-key");
            long n = client.messages()
                    .countTokens(MessageCountTokensParams.builder()
                            .model("gpt-4o")
                            .system("Be brief.")
                            .addUserMessage("How many tokens are in this sentence?")
                            .build())
                    .inputTokens();
            assertTrue(n > 8 && n < 40, "counted: " + n);
            assertEquals(0, spare.requests().size(), "no provider asked");
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertEquals("/messages/count_tokens", r.path());
            assertEquals("team", r.clientKeyId());
            assertEquals("gpt-4o", r.modelAsked());
            assertEquals(200, r.status());
            assertEquals(n, r.promptTokens(), "the count");
            assertEquals(n, r.totalTokens());
            assertTrue(r.tokensEstimated(), "counted by the gateway");
            assertEquals("anthropic", r.clientApi());
            assertNull(r.providerApi(), "no provider");
            assertNull(r.provider());
            assertTrue(r.attempts().isEmpty());

            HttpResponse<String> bad =
                    g.post("/v1/messages/count_tokens", "{\"model\":\"gpt-4o\"}", "x-api-key", "sk-count-tokens-key");
            assertEquals(400, bad.statusCode());
            assertEquals(
                    "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                            + "\"message\":\"messages: Field required\"}}",
                    bad.body());
            client.close();
        }
    }

    @Test
    void invalidRequest_isRefusedInAnthropicsShape_namingTheField() throws Exception {
        try (TestGateway g = gateway("")) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(400, r.statusCode());
            assertEquals(
                    "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                            + "\"message\":\"max_tokens: Field required\"}}",
                    r.body());
            assertEquals(0, claude.requests().size());
            AnthropicClient client = sdk(g, "k");
            NotFoundException e = assertThrows(
                    NotFoundException.class,
                    () -> client.messages()
                            .create(ask("x").model("no-such-model").build()));
            assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
            client.close();
        }
    }

    @Test
    void badClientKey_isAnAuthenticationError_andXApiKeyIsAccepted() throws Exception {
        claude.setDefault(AnthropicAnswer.text("ok").json());
        try (TestGateway g = TestGateway.start("""
                gateway:
                  api_keys: [sk-client-good-0123]
                api_provider:
                  claude:
                    api: anthropic
                    base_url: %s
                    api_key: sk-ant-main
                model_config:
                  claude-sonnet:
                    claude: {}
                """.formatted(claude.baseUrl()))) {
            AnthropicClient bad = sdk(g, "sk-client-wrong");
            UnauthorizedException e = assertThrows(
                    UnauthorizedException.class, () -> bad.messages().create(ask("x").build()));
            assertEquals("authentication_error", e.type().orElseThrow().asString());
            AnthropicClient good = sdk(g, "sk-client-good-0123"); // the SDK sends x-api-key
            assertEquals(
                    "ok",
                    good.messages()
                            .create(ask("x").build())
                            .content()
                            .get(0)
                            .asText()
                            .text());
            RecordedRequest sent = claude.takeRequest(Duration.ofSeconds(5));
            assertEquals("sk-ant-main", sent.header("x-api-key"), "the client's key is replaced, never forwarded");
            bad.close();
            good.close();
        }
    }

    @Test
    void providersRateLimit_reachesTheSdkAsRateLimitException_withRetryAfter() throws Exception {
        claude.setDefault(AnthropicAnswer.rateLimited(7));
        spare.setDefault(AnthropicAnswer.rateLimited(7));
        try (TestGateway g = gateway("")) {
            AnthropicClient client = sdk(g, "k");
            RateLimitException e = assertThrows(
                    RateLimitException.class, () -> client.messages().create(ask("x").build()));
            assertEquals(429, e.statusCode());
            assertEquals("rate_limit_error", e.type().orElseThrow().asString());
            assertTrue(e.headers().values("retry-after").size() == 1, "retry-after goes to the client");
            client.close();
        }
    }

    @Test
    void gatewaysOwnRateLimit_isAnAnthropicRateLimitError() throws Exception {
        claude.setDefault(AnthropicAnswer.text("ok").json());
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  claude:
                    api: anthropic
                    base_url: %s
                    limits: {rpm: 1}
                model_config:
                  claude-sonnet:
                    claude: {}
                """.formatted(claude.baseUrl()))) {
            AnthropicClient client = sdk(g, "k");
            client.messages().create(ask("x").build());
            RateLimitException e = assertThrows(
                    RateLimitException.class, () -> client.messages().create(ask("x").build()));
            assertEquals("rate_limit_error", e.type().orElseThrow().asString());
            assertFalse(e.headers().values("retry-after").isEmpty());
            client.close();
        }
    }

    @Test
    void overloaded529_failsOverToTheNextAnthropicProvider() throws Exception {
        claude.setDefault(AnthropicAnswer.overloaded());
        spare.setDefault(AnthropicAnswer.text("from spare").auto());
        try (TestGateway g = gateway("")) {
            BlockingQueue<RequestRecord> records = records(g);
            AnthropicClient client = sdk(g, "k");
            Message m = client.messages().create(ask("x").build());
            assertEquals("from spare", m.content().get(0).asText().text());
            assertTrue(spare.takeRequest(Duration.ofSeconds(5)).body().contains("claude-sonnet-4-5-spare"));
            RequestRecord r = records.poll(5, TimeUnit.SECONDS);
            assertEquals(
                    List.of("claude:server_error:529", "spare:ok:200"),
                    r.attempts().stream()
                            .map(a -> a.provider() + ":" + a.outcome() + ":" + a.status())
                            .collect(Collectors.toList()));
            client.close();
        }
    }

    @Test
    void everyProviderOverloaded_theLastAnthropicErrorGoesToTheClient() throws Exception {
        claude.setDefault(AnthropicAnswer.overloaded());
        spare.setDefault(AnthropicAnswer.overloaded());
        try (TestGateway g = gateway("")) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(529, r.statusCode());
            assertTrue(r.body().contains("\"overloaded_error\""), r.body());
        }
    }

    @Test
    void streamBrokenMidway_endsWithAnAnthropicErrorEvent() throws Exception {
        claude.setDefault(THINK_THEN_CALL.stream().resetAfter(5));
        try (TestGateway g = gateway("")) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("event: message_start\n"), r.body());
            int error = r.body().lastIndexOf("event: error\n");
            assertTrue(error > 0, r.body());
            assertTrue(
                    r.body()
                            .substring(error)
                            .startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                                    + "\"message\":\"The provider's response broke off: "),
                    r.body());
            assertTrue(r.body().endsWith("\"}}\n\n"), r.body());
        }
    }

    @Test
    void providersErrorEvent_midStream_passesThrough() throws Exception {
        List<String> events = THINK_THEN_CALL.events("claude-sonnet-4-5", 1).subList(0, 4);
        List<String> withError = new ArrayList<>(events);
        withError.add(AnthropicAnswer.errorEvent("overloaded_error", "Overloaded"));
        claude.setDefault(Behaviour.sseEvents(withError));
        try (TestGateway g = gateway("")) {
            HttpResponse<String> r = g.post(
                    "/v1/messages",
                    "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(String.join("", withError), r.body());
        }
    }

    @Test
    void gatewaysOwnErrors_onMessagesPaths_areInAnthropicsShape() throws Exception {
        claude.setDefault(AnthropicAnswer.text("slow").json().withDelay(Duration.ofMillis(1500)));
        String ask =
                "{\"model\":\"claude-sonnet\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        try (TestGateway g = TestGateway.start("""
                server:
                  max_in_flight: 1
                  max_body_size: 1KiB
                upstream:
                  connect_timeout: 2s
                api_provider:
                  claude:
                    api: anthropic
                    base_url: %s
                  dead:
                    api: anthropic
                    base_url: http://127.0.0.1:1/v1
                model_config:
                  claude-sonnet:
                    claude: {}
                  claude-dead:
                    dead: {}
                """.formatted(claude.baseUrl()))) {
            assertAnthropicError(
                    g.post("/v1/messages", ask.replace("claude-sonnet", "claude-dead")),
                    502,
                    "api_error",
                    "failed on every provider");
            assertAnthropicError(
                    g.post("/v1/messages", ask.replace("\"x\"", "\"" + "x".repeat(2000) + "\"")),
                    413,
                    "request_too_large",
                    "server.max_body_size");

            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return g.post("/v1/messages", ask);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Await.until("the slow request in flight", () -> g.gateway().inFlight() == 1);
            HttpResponse<String> busy = g.post("/v1/messages", ask);
            assertAnthropicError(busy, 503, "overloaded_error", "server.max_in_flight");
            assertEquals("1", busy.headers().firstValue("retry-after").orElseThrow());
            assertEquals(200, slow.get().statusCode());
            assertAnthropicError(
                    g.post("/v1/messages/batches", ask),
                    404,
                    "not_found_error",
                    "POST /v1/messages/batches is not forwarded: of Anthropic's API the gateway serves");
            assertAnthropicError(
                    g.get("/v1/messages"), 404, "not_found_error", "Unknown request URL: GET /v1/messages");
        }
    }

    private static void assertAnthropicError(HttpResponse<String> r, int status, String type, String text) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(
                r.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":"), r.body());
        assertTrue(r.body().contains(text), r.body());
    }
}
