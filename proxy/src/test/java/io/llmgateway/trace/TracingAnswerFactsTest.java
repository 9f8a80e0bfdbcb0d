package io.llmgateway.trace;

import static io.llmgateway.trace.OtlpReceiver.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The answer's id, model and finish reasons on the provider span, as each dialect's tap reads them (or, for a
 * translated answer, the trace's own scan): JSON and streamed, OpenAI and Anthropic, over real sockets to a real
 * OTLP receiver.
 */
class TracingAnswerFactsTest {
    private static final String CHAT =
            "{\"model\":\"gpt-4o\",\"max_tokens\":50," + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES = "{\"model\":\"claude-sonnet\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final MockUpstream openai = MockUpstream.start();

    @RegisterExtension
    final MockUpstream claude = MockUpstream.start();

    private OtlpReceiver collector;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        collector = OtlpReceiver.start();
        gateway = TestGateway.start("""
                tracing:
                  otlp_endpoint: %s
                  sample_ratio: 1.0
                api_provider:
                  openai:
                    base_url: %s
                    api_key: sk-openai
                  claude:
                    api: anthropic
                    base_url: %s
                    api_key: sk-ant
                model_config:
                  gpt-4o:
                    openai: {}
                  claude-sonnet:
                    claude: {alias: claude-sonnet-4-5}
                """.formatted(collector.endpoint(), openai.baseUrl(), claude.baseUrl()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        collector.close();
    }

    private static String streamed(String body) {
        return body.replaceFirst("\\{", "{\"stream\":true,");
    }

    /** The client span of the one request sent, once exported. */
    private Span providerSpan(String path, String body) throws Exception {
        HttpResponse<String> r = gateway.post(path, body);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(gateway.gateway().tracing().flush(10));
        Await.until("2 spans exported", () -> collector.spans().size() >= 2);
        return collector.spans().stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .findFirst()
                .orElseThrow();
    }

    private static void assertFacts(Span span, String idPrefix, String model, String reasons) {
        String id = attr(span.getAttributesList(), "gen_ai.response.id");
        assertTrue(id != null && id.startsWith(idPrefix), "gen_ai.response.id " + id);
        assertEquals(model, attr(span.getAttributesList(), "gen_ai.response.model"));
        assertEquals(reasons, attr(span.getAttributesList(), "gen_ai.response.finish_reasons"));
    }

    @Test
    void openAiJson() throws Exception {
        openai.enqueue(Behaviour.chatCompletion("Hello"));
        assertFacts(providerSpan("/v1/chat/completions", CHAT), "chatcmpl-mock-", "gpt-4o", "[stop]");
    }

    @Test
    void openAiStream() throws Exception {
        openai.enqueue(Behaviour.sse("Hel", "lo"));
        assertFacts(providerSpan("/v1/chat/completions", streamed(CHAT)), "chatcmpl-mock-", "gpt-4o", "[stop]");
    }

    @Test
    void anthropicJson() throws Exception {
        claude.enqueue(AnthropicAnswer.text("Hello").json());
        assertFacts(providerSpan("/v1/messages", MESSAGES), "msg_mock", "claude-sonnet-4-5", "[end_turn]");
    }

    @Test
    void anthropicStream() throws Exception {
        claude.enqueue(AnthropicAnswer.text("Hel", "lo").withStopReason("max_tokens").stream());
        assertFacts(providerSpan("/v1/messages", streamed(MESSAGES)), "msg_mock", "claude-sonnet-4-5", "[max_tokens]");
    }

    @Test
    void translatedAnswers_theProvidersOwnFacts() throws Exception {
        claude.enqueue(AnthropicAnswer.text("Hello").json());
        assertFacts(
                providerSpan("/v1/chat/completions", CHAT.replace("gpt-4o", "claude-sonnet")),
                "msg_mock",
                "claude-sonnet-4-5",
                "[end_turn]");
    }

    @Test
    void translatedStream_theProvidersOwnFacts() throws Exception {
        openai.enqueue(Behaviour.sse("Hel", "lo"));
        assertFacts(
                providerSpan("/v1/messages", streamed(MESSAGES.replace("claude-sonnet", "gpt-4o"))),
                "chatcmpl-mock-",
                "gpt-4o",
                "[stop]");
    }

    /**
     * Usage before the choices (the tap's scan reads on past it), several choices, a tool call's id after the
     * answer's, and a key quoted inside a text: the answer's own id and every choice's reason.
     */
    @Test
    void openAiJson_usageFirst_severalChoices() throws Exception {
        openai.enqueue(Behaviour.json(200, """
                {"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7},"id":"chatcmpl-own",\
                "model":"gpt-4o-2024","choices":[{"index":0,"message":{"role":"assistant",\
                "content":"say \\"id\\":\\"not-this\\" and \\"finish_reason\\":\\"nope\\"",\
                "tool_calls":[{"id":"call_1","type":"function"}]},"finish_reason":"tool_calls"},\
                {"index":1,"message":{"content":"b"},"finish_reason":"length"}]}"""));
        assertFacts(providerSpan("/v1/chat/completions", CHAT), "chatcmpl-own", "gpt-4o-2024", "[tool_calls, length]");
    }

    /** Stream events with spaces after the colons, and a finish reason in the usage chunk itself. */
    @Test
    void openAiStream_spacedJson_reasonWithUsage() throws Exception {
        openai.enqueue(Behaviour.sseEvents(List.of(
                "data: {\"id\": \"chatcmpl-spaced\", \"model\": \"gpt-4o-x\", \"choices\": [{\"index\": 0, "
                        + "\"delta\": {\"content\": \"hi\"}, \"finish_reason\": null}]}\n\n",
                "data: {\"id\": \"chatcmpl-spaced\", \"model\": \"gpt-4o-x\", \"choices\": [{\"index\": 0, "
                        + "\"delta\": {}, \"finish_reason\": \"content_filter\"}], \"usage\": {\"prompt_tokens\": 3,"
                        + " \"completion_tokens\": 1, \"total_tokens\": 4}}\n\n",
                "data: [DONE]\n\n")));
        assertFacts(
                providerSpan("/v1/chat/completions", streamed(CHAT)),
                "chatcmpl-spaced",
                "gpt-4o-x",
                "[content_filter]");
    }
}
