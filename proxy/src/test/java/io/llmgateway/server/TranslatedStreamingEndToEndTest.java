package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.AnthropicAnswer;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A translated stream goes to the client event by event: the provider sends its first content event and then
 * holds the stream (sends nothing more, the connection open), and the client still receives that content,
 * translated, before anything else comes. A translation that waited for more of the answer would never deliver
 * it. No timing is measured: the proof is that the first piece arrives while the rest cannot have.
 */
class TranslatedStreamingEndToEndTest {
    private static final String KEY = "sk-translated-stream-01";

    @RegisterExtension
    final MockUpstream provider = MockUpstream.start();

    private TestGateway gateway(String api) throws Exception {
        return TestGateway.start("""
                gateway:
                  api_keys:
                    - %s
                upstream:
                  stream_idle_timeout: 60s
                api_provider:
                  mock:
                    api: %s
                    base_url: %s
                model_config:
                  m:
                    mock: {}
                """.formatted(KEY, api, provider.baseUrl()));
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: gw\r\nx-api-key: " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void messagesClient_openAiProvider_firstTextDeltaArrivesWhileTheProviderHolds() throws Exception {
        String head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":";
        provider.setDefault(Behaviour.sseEvents(List.of(
                        head + "{\"role\":\"assistant\",\"content\":\"first-piece\"},\"finish_reason\":null}]}\n\n",
                        head + "{\"content\":\"second-piece\"},\"finish_reason\":null}]}\n\n",
                        head + "{},\"finish_reason\":\"stop\"}]}\n\n",
                        "data: [DONE]\n\n"))
                .stallAfter(1));
        try (TestGateway g = gateway("openai");
                RawHttp c = RawHttp.connect(g.port())) {
            String got = c.send(post(
                            "/v1/messages",
                            "{\"model\":\"m\",\"max_tokens\":50,\"stream\":true,"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .readUntil(s -> s.contains("first-piece"), 20_000);

            assertTrue(got.startsWith("HTTP/1.1 200"), got);
            assertTrue(got.contains("event: message_start"), got);
            assertTrue(
                    got.contains("\"delta\":{\"type\":\"text_delta\",\"text\":\"first-piece\"}"),
                    "the first text delta, translated: " + got);
            assertFalse(got.contains("second-piece"), got);
            assertFalse(got.contains("message_stop"), got);
        }
    }

    @Test
    void chatClient_anthropicProvider_firstContentChunkArrivesWhileTheProviderHolds() throws Exception {
        List<String> events =
                AnthropicAnswer.text("first-piece", "second-piece").events("m", 1); // start, block, ping, deltas...
        provider.setDefault(Behaviour.sseEvents(events).stallAfter(4));
        try (TestGateway g = gateway("anthropic");
                RawHttp c = RawHttp.connect(g.port())) {
            String got = c.send(post(
                            "/v1/chat/completions",
                            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .readUntil(s -> s.contains("first-piece"), 20_000);

            assertTrue(got.startsWith("HTTP/1.1 200"), got);
            assertTrue(got.contains("\"delta\":{\"content\":\"first-piece\"}"), "the first chunk, translated: " + got);
            assertFalse(got.contains("second-piece"), got);
            assertFalse(got.contains("[DONE]"), got);
        }
    }
}
