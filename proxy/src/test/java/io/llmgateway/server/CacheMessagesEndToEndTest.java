package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.MockUpstream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The response cache on {@code /v1/messages}: hits replayed in Anthropic's shape, checked with its SDK. */
class CacheMessagesEndToEndTest {
    private static final AnthropicAnswer THINK_THEN_CALL = AnthropicAnswer.text("Let me ", "look.")
            .withThinking("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxB+/sig==", "The user wants ", "the weather.")
            .withToolUse("toolu_01A", "get_weather", "{\"city\":", " \"Par", "is\"}")
            .withUsage(30, 45)
            .withStopReason("tool_use");

    @RegisterExtension
    final MockUpstream claude = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start("""
                api_provider:
                  claude: {api: anthropic, base_url: "%s", api_key: sk-ant}
                model_config:
                  claude-sonnet:
                    cache: {ttl: 1h}
                    claude: {alias: claude-sonnet-4-5}
                """.formatted(claude.baseUrl()));
    }

    private static AnthropicClient sdk(TestGateway g) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(g.url(""))
                .apiKey("k")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static MessageCreateParams ask() {
        return MessageCreateParams.builder()
                .model("claude-sonnet")
                .maxTokens(1024)
                .addUserMessage("Weather in Paris?")
                .build();
    }

    private static Message streamed(AnthropicClient client) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(ask())) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    private static void assertTheAnswer(Message m) {
        assertEquals("Let me look.", m.content().get(0).asText().text());
        assertEquals(
                "The user wants the weather.", m.content().get(1).asThinking().thinking());
        assertEquals(
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxB+/sig==",
                m.content().get(1).asThinking().signature());
        assertEquals("get_weather", m.content().get(2).asToolUse().name());
        assertEquals(
                Map.of("city", "Paris"), m.content().get(2).asToolUse()._input().convert(Map.class));
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        assertEquals(30, m.usage().inputTokens());
        assertEquals(45, m.usage().outputTokens());
    }

    @Test
    void streamedAnswer_isReplayedAsAStream_andAsJson() throws Exception {
        claude.setDefault(THINK_THEN_CALL.auto());
        try (TestGateway g = gateway()) {
            AnthropicClient client = sdk(g);
            assertTheAnswer(streamed(client));
            assertTheAnswer(streamed(client));
            assertTheAnswer(client.messages().create(ask()));
            assertEquals(1, claude.requests().size());
            assertEquals(2, g.gateway().cache().stats().hits());
        }
    }

    @Test
    void jsonAnswer_isReplayedAsAStream() throws Exception {
        claude.setDefault(THINK_THEN_CALL.auto());
        try (TestGateway g = gateway()) {
            AnthropicClient client = sdk(g);
            assertTheAnswer(client.messages().create(ask()));
            assertTheAnswer(streamed(client));
            assertTheAnswer(client.messages().create(ask()));
            assertEquals(1, claude.requests().size());
        }
    }
}
