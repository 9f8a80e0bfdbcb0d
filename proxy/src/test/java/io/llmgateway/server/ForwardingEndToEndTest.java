package io.llmgateway.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.llmgateway.admin.AdminAccess;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 2: a real gateway forwarding to a mock provider, driven by the official OpenAI SDK and raw HTTP. */
class ForwardingEndToEndTest {
    private MockUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start("""
                api_provider:
                  acme:
                    base_url: %s
                    api_key: sk-provider-secret-acme
                model_config:
                  gpt-4o:
                    acme:
                      alias: acme-gpt-4o-2024
                  text-embedding-3-small:
                    acme: {}
                """.formatted(upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void chatCompletion_sdkGetsProviderAnswer_withAliasAndProviderKey() throws Exception {
        upstream.enqueue(Behaviour.chatCompletion("Hello there", 12, 3));
        OpenAIClient client = gateway.openai();

        ChatCompletion completion = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("Say hello")
                        .build());

        assertEquals(
                "Hello there", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(15, completion.usage().orElseThrow().totalTokens());
        RecordedRequest seen = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1/chat/completions", seen.uri());
        assertTrue(seen.body().contains("\"model\":\"acme-gpt-4o-2024\""), seen.body());
        assertTrue(seen.body().contains("Say hello"), seen.body());
        assertEquals("Bearer sk-provider-secret-acme", seen.header("authorization"));
        assertFalse(seen.body().contains("client-key-not-forwarded"));
    }

    @Test
    void embeddings_sdkGetsVectors() throws Exception {
        upstream.enqueue(Behaviour.json(200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,1.0]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}"""));

        CreateEmbeddingResponse response = gateway.openai()
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("hello world")
                        .build());

        assertEquals(List.of(0.25f, -0.5f, 1.0f), response.data().get(0).embedding());
        RecordedRequest seen = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1/embeddings", seen.uri());
    }

    @Test
    void modelsList_sdkSeesEveryModelPlusAuto() {
        List<String> ids =
                gateway.openai().models().list().data().stream().map(Model::id).collect(Collectors.toList());

        assertEquals(List.of("gpt-4o", "text-embedding-3-small", "auto"), ids);
        Model one = gateway.openai().models().retrieve("gpt-4o");
        assertEquals("gpt-4o", one.id());
        assertEquals("llm-gateway", one.ownedBy());
    }

    @Test
    void unknownModel_sdkThrowsNotFound_andNothingIsForwarded() {
        OpenAIClient client = gateway.openai();

        NotFoundException e = assertThrows(
                NotFoundException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hi")
                                .build()));

        assertEquals("model_not_found", e.code().orElseThrow());
        assertEquals(0, upstream.requests().size());
        assertThrows(NotFoundException.class, () -> client.models().retrieve("no-such-model"));
    }

    @Test
    void malformedJson_is400InOpenAiShape() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\": \"gpt-4o\", ");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("{\"error\":{\"message\":"), r.body());
        assertTrue(r.body().contains("\"type\":\"invalid_request_error\""), r.body());
    }

    @Test
    void missingModel_is400NamingTheParam() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"messages\":[]}");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"param\":\"model\""), r.body());
    }

    @Test
    void upstreamErrorStatus_isReturnedAsIs() throws Exception {
        upstream.enqueue(Behaviour.error(400, "invalid_request_error", "messages: too short"));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("messages: too short"), r.body());
    }

    @Test
    void requestId_isEchoedOrGenerated_andSentUpstream() throws Exception {
        HttpResponse<String> withId = gateway.post(
                "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-request-id",
                "abc-123");
        HttpResponse<String> without = gateway.post(
                "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(200, withId.statusCode());
        assertEquals("abc-123", withId.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("abc-123", upstream.takeRequest(Duration.ofSeconds(5)).header("x-request-id"));
        String generated = without.headers().firstValue("x-request-id").orElseThrow();
        assertTrue(generated.startsWith("req_"), generated);
    }

    @Test
    void providerAnswerHeaders_endToEndOnesReachTheClient_hopByHopAndReplacedOnesDoNot_overOneConnection()
            throws Exception {
        String chat = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Behaviour answer = Behaviour.chatCompletion("Hello there", 12, 3)
                .withHeader("openai-processing-ms", "7")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("Proxy-Authenticate", "Basic")
                .withHeader("X-RateLimit-Remaining-Requests", "1")
                .withHeader("x-request-id", "provider-own-id")
                .withHeader("x-gateway-model", "spoofed");
        // A relayed answer, the provider's error, a relayed answer, then a chunked stream: the heads written as
        // bytes and those written by Netty's encoder take turns on the same connection.
        upstream.enqueue(
                answer,
                Behaviour.error(400, "invalid_request_error", "messages: too short"),
                answer,
                Behaviour.sse("Hel", "lo"));

        try (RawHttp client = RawHttp.connect(gateway.port())) {
            String first = client.send(RawHttp.post("/v1/chat/completions", chat + "}", "x-request-id: r-1"))
                    .readResponse();
            String error = client.send(RawHttp.post("/v1/chat/completions", chat + "}"))
                    .readResponse();
            String second = client.send(RawHttp.post("/v1/chat/completions", chat + "}", "x-request-id: r-2"))
                    .readResponse();
            String stream = client.send(
                            RawHttp.post("/v1/chat/completions", chat + ",\"stream\":true}", "Connection: close"))
                    .readUntilClose(5_000);

            for (String[] relayed : new String[][] {{first, "r-1"}, {second, "r-2"}}) {
                String text = relayed[0];
                String head = text.substring(0, text.indexOf("\r\n\r\n") + 2).toLowerCase();
                String body = text.substring(head.length() + 2);
                assertTrue(head.startsWith("http/1.1 200 ok\r\n"), head);
                assertTrue(head.contains("\r\nopenai-processing-ms: 7\r\n"), head);
                assertTrue(head.contains("\r\nx-request-id: " + relayed[1] + "\r\n"), head);
                assertTrue(head.contains("\r\nx-gateway-model: gpt-4o\r\n"), head);
                assertTrue(head.contains("\r\ncontent-length: " + body.getBytes(UTF_8).length + "\r\n"), head);
                assertTrue(head.contains("\r\ncontent-type: application/json"), head);
                for (String gone : List.of(
                        "keep-alive:",
                        "proxy-authenticate:",
                        "provider-own-id",
                        "spoofed",
                        "connection:",
                        "transfer-encoding:",
                        "x-ratelimit-remaining-requests: 1\r\n")) {
                    assertFalse(head.contains(gone), gone + " in " + head);
                }
                assertEquals(1, head.split("\r\ncontent-length:", -1).length - 1, head);
                assertTrue(body.startsWith("{\"id\":\"chatcmpl-mock-") && body.endsWith("}"), body);
                assertTrue(body.contains("\"content\":\"Hello there\""), body);
            }
            assertTrue(error.startsWith("HTTP/1.1 400 Bad Request\r\n"), error);
            assertTrue(error.endsWith("}") && error.contains("messages: too short"), error);
            assertTrue(stream.startsWith("HTTP/1.1 200 OK\r\n"), stream);
            assertTrue(stream.toLowerCase().contains("\r\ntransfer-encoding: chunked\r\n"), stream);
            assertTrue(stream.toLowerCase().contains("\r\nconnection: close\r\n"), stream);
            assertTrue(stream.contains("\"content\":\"Hel\"") && stream.contains("data: [DONE]"), stream);
            assertTrue(stream.endsWith("\r\n0\r\n\r\n"), stream);
        }
        assertEquals(4, upstream.requests().size());
    }

    @Test
    void hopByHopAndClientCredentialHeaders_areNotForwarded_endToEndOnesAre() throws Exception {
        gateway.post(
                "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[]}",
                "x-custom-trace",
                "t1",
                "openai-organization",
                "org-client",
                "cookie",
                "session=1");

        RecordedRequest seen = upstream.takeRequest(Duration.ofSeconds(5));
        assertEquals("t1", seen.header("x-custom-trace"));
        assertNull(seen.header("openai-organization"));
        assertNull(seen.header("cookie"));
        assertEquals("identity", seen.header("accept-encoding"));
        assertEquals("127.0.0.1:" + upstream.port(), seen.header("host"));
    }

    @Test
    void adminTokenAndAdminSession_doNotReachTheProvider() throws Exception {
        gateway.post(
                "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[]}",
                "x-admin-token",
                "admin-secret",
                "X-Admin-Token",
                "admin-secret-2",
                "cookie",
                AdminAccess.SESSION_COOKIE + "=session-secret; theme=dark");

        RecordedRequest seen = upstream.takeRequest(Duration.ofSeconds(5));
        assertNull(seen.header("x-admin-token"));
        assertNull(seen.header("cookie"));
        for (String value : seen.headers().values()) {
            assertFalse(value.contains("admin-secret") || value.contains("session-secret"), value);
        }
    }

    @Test
    void healthz_andUnknownPaths() throws Exception {
        HttpResponse<String> health = gateway.get("/healthz");
        HttpResponse<String> unknown = gateway.get("/nope");

        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\"}", health.body());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("Unknown request URL: GET /nope"), unknown.body());
    }

    @Test
    void manyRequests_reuseAFewUpstreamConnections() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> gateway.post(
                                "/v1/chat/completions",
                                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .statusCode()));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        // 8 concurrent clients over 2 event loops: at most 8 connections are ever needed at once.
        assertTrue(upstream.connectionsAccepted() <= 8, "connections: " + upstream.connectionsAccepted());
        assertEquals(200, upstream.requests().size());
    }

    @Test
    void pathPrefixOfBaseUrl_isKept() throws Exception {
        try (TestGateway prefixed = TestGateway.start("""
                api_provider:
                  azureish:
                    base_url: http://127.0.0.1:%d/openai/deployments/x
                    api_key: k
                model_config:
                  m:
                    azureish: {}
                """.formatted(upstream.port()))) {
            prefixed.post("/v1/chat/completions?api-version=2024-06-01", "{\"model\":\"m\",\"messages\":[]}");
        }

        assertEquals(
                "/openai/deployments/x/chat/completions?api-version=2024-06-01",
                upstream.takeRequest(Duration.ofSeconds(5)).uri());
    }

    @Test
    void unreachableProvider_is502() throws Exception {
        try (TestGateway broken = TestGateway.start("""
                api_provider:
                  down:
                    base_url: http://127.0.0.1:1/v1
                model_config:
                  m:
                    down: {}
                """)) {
            HttpResponse<String> r = broken.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"code\":\"upstream_unavailable\""), r.body());
            assertTrue(r.body().contains("down:"), r.body());
        }
    }

    @Test
    void slowProvider_is504AfterResponseTimeout() throws Exception {
        upstream.enqueue(Behaviour.stall());
        try (TestGateway impatient = TestGateway.start("""
                upstream:
                  response_timeout: 300ms
                routing:
                  max_attempts: 1
                api_provider:
                  slow:
                    base_url: %s
                model_config:
                  m:
                    slow: {}
                """.formatted(upstream.baseUrl()))) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = impatient.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;

            assertEquals(504, r.statusCode(), r.body());
            assertTrue(tookMillis < 3000, "took " + tookMillis + " ms");
            assertNotNull(r.headers().firstValue("x-request-id").orElse(null));
        }
    }
}
