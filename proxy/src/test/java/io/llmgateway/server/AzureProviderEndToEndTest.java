package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code api: azure} provider behind the gateway, driven by the OpenAI SDK: Azure's deployment URLs (or its
 * v1 URLs), the key as {@code api-key} and never the client's credentials.
 */
class AzureProviderEndToEndTest {
    private final MockUpstream azure = MockUpstream.start();
    private TestGateway gateway;

    private void start(String apiVersionLine) throws Exception {
        gateway = TestGateway.start("""
                api_provider:
                  azure-east:
                    api: azure
                    base_url: http://127.0.0.1:%d/openai
                    api_key: azure-secret-key
                    %s
                model_config:
                  gpt-4o:
                    azure-east: {alias: my-gpt4o}
                  text-embedding-3-small:
                    azure-east: {alias: embed-deploy}
                """.formatted(azure.port(), apiVersionLine));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        azure.close();
    }

    private static void assertAzureKeyOnly(RecordedRequest seen) {
        assertEquals("azure-secret-key", seen.header("api-key"));
        assertNull(seen.header("authorization"), "the client's Authorization reached the provider");
        assertNull(seen.header("x-api-key"));
    }

    /** Streams a chat with the SDK: the client gets {@code text}, the gateway settles {@code totalTokens}. */
    private void assertStreamed(String text, long totalTokens) throws Exception {
        BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
        gateway.gateway().observers().add(records::add);
        StringBuilder got = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = gateway.openai()
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("x")
                        .build())) {
            stream.stream().forEach(c -> c.choices().get(0).delta().content().ifPresent(got::append));
        }
        assertEquals(text, got.toString());
        RequestRecord r = records.poll(5, TimeUnit.SECONDS);
        assertEquals(totalTokens, r.totalTokens());
        assertEquals("openai", r.clientApi());
        assertEquals("azure", r.providerApi());
    }

    @Test
    void deployment_chat_goesToTheDeploymentUrlWithTheApiVersion() throws Exception {
        start("");
        azure.enqueue(Behaviour.chatCompletion("Hello from Azure", 12, 3));

        ChatCompletion completion = gateway.openai()
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("Say hello")
                        .build());

        assertEquals(
                "Hello from Azure",
                completion.choices().get(0).message().content().orElseThrow());
        assertEquals(15, completion.usage().orElseThrow().totalTokens());
        RecordedRequest seen = azure.takeRequest(Duration.ofSeconds(5));
        assertEquals("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21", seen.uri());
        assertAzureKeyOnly(seen);
    }

    @Test
    void deployment_stream_relaysTheDeltas_andSettlesTheUsage() throws Exception {
        start("api_version: 2025-04-01-preview");
        azure.enqueue(Behaviour.sse(List.of("Hel", "lo")).withUsage(20, 2));

        assertStreamed("Hello", 22);
        RecordedRequest seen = azure.takeRequest(Duration.ofSeconds(5));
        assertEquals("/openai/deployments/my-gpt4o/chat/completions?api-version=2025-04-01-preview", seen.uri());
        assertTrue(seen.body().contains("\"include_usage\":true"), seen.body());
        assertAzureKeyOnly(seen);
    }

    @Test
    void deployment_embeddings_thePathNamesTheOperation() throws Exception {
        start("");
        azure.enqueue(Behaviour.embeddings(4));

        CreateEmbeddingResponse r = gateway.openai()
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("hello")
                        .build());

        assertEquals(1, r.data().size());
        assertEquals(
                "/openai/deployments/embed-deploy/embeddings?api-version=2024-10-21",
                azure.takeRequest(Duration.ofSeconds(5)).uri());
    }

    @Test
    void deployment_clientQuery_keepsItsOwnAndAddsTheVersion() throws Exception {
        start("");
        azure.enqueue(Behaviour.chatCompletion("ok"));

        gateway.post("/v1/chat/completions?trace=1", "{\"model\":\"gpt-4o\",\"messages\":[]}");

        assertEquals(
                "/openai/deployments/my-gpt4o/chat/completions?trace=1&api-version=2024-10-21",
                azure.takeRequest(Duration.ofSeconds(5)).uri());
    }

    @Test
    void deployment_clientCredentialHeaders_neverReachTheProvider() throws Exception {
        start("");
        azure.enqueue(Behaviour.chatCompletion("ok"));

        HttpResponse<String> r = gateway.post(
                "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[]}",
                "authorization",
                "Bearer client-own",
                "api-key",
                "client-azure-key",
                "x-api-key",
                "client-anthropic-key");

        assertEquals(200, r.statusCode());
        assertAzureKeyOnly(azure.takeRequest(Duration.ofSeconds(5)));
    }

    @Test
    void v1_chat_goesToTheV1Url_withTheDeploymentAsTheModel() throws Exception {
        start("api_version: v1");
        azure.enqueue(Behaviour.chatCompletion("Hello v1", 5, 1));

        ChatCompletion completion = gateway.openai()
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("hi")
                        .build());

        assertEquals("Hello v1", completion.choices().get(0).message().content().orElseThrow());
        RecordedRequest seen = azure.takeRequest(Duration.ofSeconds(5));
        assertEquals("/openai/v1/chat/completions", seen.uri());
        assertTrue(seen.body().contains("\"model\":\"my-gpt4o\""), seen.body());
        assertAzureKeyOnly(seen);
    }

    @Test
    void v1_stream_relaysTheDeltas_andSettlesTheUsage() throws Exception {
        start("api_version: v1");
        azure.enqueue(Behaviour.sse(List.of("a", "b", "c")).withUsage(9, 3));

        assertStreamed("abc", 12);
        RecordedRequest seen = azure.takeRequest(Duration.ofSeconds(5));
        assertEquals("/openai/v1/chat/completions", seen.uri());
        assertAzureKeyOnly(seen);
    }
}
