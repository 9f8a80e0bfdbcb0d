package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the jar started without a config file serves the built-in demo provider. */
class DemoModeIT {
    @TempDir
    Path dir;

    @Test
    void withoutConfig_servesTheDemoProvider_andStopsCleanly() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, "--port", "0")) {
            assertTrue(gateway.stdout().contains("DEMO MODE"), gateway.stdout());
            GatewayClient client = gateway.client();

            assertTrue(client.assertChat("gpt-4o-mini").contains("ping"), "the demo echoes the prompt");
            client.assertStream("gpt-4o-mini");
            assertEquals(200, client.get("/v1/models").statusCode());
            HttpResponse<String> health = client.get("/healthz");
            assertEquals(200, health.statusCode());
            String timing = health.headers().firstValue("server-timing").orElse("");
            assertTrue(timing.matches("gw-total;dur=\\d+\\.\\d{3}"), "a local answer's own time: " + timing);
            assertAnswersAnthropicClients(gateway.port(), client);

            gateway.assertStopsCleanly();
        }
    }

    /** /v1/messages (as Claude Code and the Anthropic SDKs send it) to the demo's Anthropic provider. */
    private static void assertAnswersAnthropicClients(int port, GatewayClient client) throws Exception {
        HttpResponse<String> raw = client.post(
                "/v1/messages",
                "{\"model\":\"claude-demo\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}",
                "x-api-key",
                "any",
                "anthropic-version",
                "2023-06-01");
        assertEquals(200, raw.statusCode(), raw.body());
        assertTrue(raw.body().contains("\"type\":\"message\""), raw.body());
        String timing = raw.headers().firstValue("server-timing").orElse("");
        assertTrue(
                timing.matches("gw-pre;dur=\\d+\\.\\d{3}, gw-post;dur=\\d+\\.\\d{3}"),
                "the gateway's own time on a relayed answer: " + timing);

        AnthropicClient sdk = AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .apiKey("any")
                .maxRetries(0)
                .build();
        try {
            MessageCreateParams params = MessageCreateParams.builder()
                    .model("claude-demo")
                    .maxTokens(64)
                    .addUserMessage("Hello, Claude")
                    .build();
            Message whole = sdk.messages().create(params);
            assertTrue(whole.content().get(0).asText().text().contains("Hello, Claude"));
            MessageAccumulator acc = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(params)) {
                s.stream().forEach(acc::accumulate);
            }
            assertEquals(
                    whole.content().get(0).asText().text(),
                    acc.message().content().get(0).asText().text());
            long tokens = sdk.messages()
                    .countTokens(MessageCountTokensParams.builder()
                            .model("claude-demo")
                            .addUserMessage("one two three")
                            .build())
                    .inputTokens();
            assertEquals(3, tokens, "forwarded to the demo's Anthropic provider, which counts words");
        } finally {
            sdk.close();
        }
    }
}
