package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini through its OpenAI-compatible endpoint, as an {@code api: openai} provider whose base URL has a path
 * ({@code /v1beta/openai}): the key as Bearer, and its streams, which carry the usage on the last chunk with
 * content and finish reason rather than on a chunk of its own.
 */
class GeminiCompatibleEndToEndTest {
    /** How Gemini's endpoint streams: the usage rides on the chunk that finishes the choice. */
    private static final List<String> GEMINI_STREAM = List.of(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\",\"role\":\"assistant\"},\"index\":0}],"
                    + "\"created\":1740000000,\"model\":\"gemini-2.0-flash\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\" world\",\"role\":\"assistant\"},\"finish_reason\":\"stop\","
                    + "\"index\":0}],\"created\":1740000000,\"model\":\"gemini-2.0-flash\","
                    + "\"object\":\"chat.completion.chunk\",\"usage\":{\"completion_tokens\":2,"
                    + "\"prompt_tokens\":8,\"total_tokens\":10}}\n\n",
            "data: [DONE]\n\n");

    private final MockUpstream gemini = MockUpstream.start();
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start("""
                api_provider:
                  gemini:
                    base_url: http://127.0.0.1:%d/v1beta/openai
                    api_key: gemini-key
                model_config:
                  gemini-2.0-flash:
                    gemini:
                """.formatted(gemini.port()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        gemini.close();
    }

    @Test
    void chat_goesUnderTheBasePath_withTheKeyAsBearer() throws Exception {
        gemini.enqueue(Behaviour.chatCompletion("Hi from Gemini", 4, 3));

        ChatCompletion c = gateway.openai()
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gemini-2.0-flash")
                        .addUserMessage("hi")
                        .build());

        assertEquals("Hi from Gemini", c.choices().get(0).message().content().orElseThrow());
        RecordedRequest seen = gemini.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1beta/openai/chat/completions", seen.uri());
        assertEquals("Bearer gemini-key", seen.header("authorization"));
    }

    @Test
    void stream_usageOnTheLastContentChunk_isSettled_andTheChunkReachesTheClient() throws Exception {
        gemini.enqueue(Behaviour.sseEvents(GEMINI_STREAM));
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        gateway.gateway().observers().add(records::add);
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = gateway.openai()
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gemini-2.0-flash")
                        .addUserMessage("hi")
                        .build())) {
            stream.stream().forEach(c -> {
                assertFalse(c.choices().isEmpty(), "a chunk without choices reached the client");
                c.choices().get(0).delta().content().ifPresent(text::append);
            });
        }

        assertEquals("Hello world", text.toString(), "the chunk carrying the usage also carries text");
        RequestRecord record = records.poll(5, TimeUnit.SECONDS);
        assertEquals(10, record.totalTokens());
        assertFalse(record.tokensEstimated());
        RecordedRequest seen = gemini.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1beta/openai/chat/completions", seen.uri());
        assertEquals("Bearer gemini-key", seen.header("authorization"));
        assertTrue(seen.body().contains("\"include_usage\":true"), seen.body());
    }
}
