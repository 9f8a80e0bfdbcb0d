package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.RecordedRequest;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 28: requests to an {@code http2: true} provider are streams multiplexed over shared h2c connections
 * (prior knowledge), with the provider's stream limit, GOAWAY and stream resets handled like the failures of an
 * HTTP/1.1 connection. The TLS (ALPN) cases are in {@link Http2UpstreamTlsEndToEndTest}.
 */
class Http2UpstreamEndToEndTest {
    static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static String config(String extra, MockUpstream h2) {
        return extra + """
                api_provider:
                  p:
                    base_url: %s
                    http2: true
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(h2.baseUrl());
    }

    static List<HttpResponse<String>> concurrently(TestGateway g, int n, String body) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(g.http()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions")))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> done = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : all) {
            done.add(f.get(30, TimeUnit.SECONDS));
        }
        return done;
    }

    static void assertAllOk(List<HttpResponse<String>> responses) {
        for (HttpResponse<String> r : responses) {
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains(MockUpstream.DEFAULT_CONTENT), r.body());
            assertFalse(
                    r.headers().firstValue("x-http2-stream-id").isPresent(),
                    r.headers().toString());
        }
    }

    @Test
    void concurrentRequests_shareOneConnection() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config("server: {io_threads: 1}\n", h2))) {
            h2.setDefault(Behaviour.chatCompletion(MockUpstream.DEFAULT_CONTENT).withDelay(Duration.ofMillis(300)));

            assertAllOk(concurrently(g, 20, CHAT));

            assertEquals(1, h2.connectionsAccepted());
            assertTrue(h2.maxOpenStreams() > 1, "streams at once: " + h2.maxOpenStreams());
            RecordedRequest seen = h2.requests().get(0);
            assertEquals("/v1/chat/completions", seen.uri());
            assertTrue(seen.headers().containsKey("x-http2-stream-id"), "the mock got h2: " + seen.headers());
            assertFalse(seen.headers().containsKey("connection"), seen.headers().toString());
            assertTrue(seen.headers().get("authorization") == null, "no key configured: none sent");
        }
    }

    @Test
    void streamingAnswer_isRelayedOverAStream() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config("", h2))) {
            h2.setDefault(Behaviour.sse("Hel", "lo", " there").paced(Duration.ofMillis(20)));

            HttpResponse<String> r = g.post(
                    "/v1/chat/completions",
                    "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            assertTrue(r.body().contains("\"Hel\"") && r.body().contains("\" there\""), r.body());
            assertTrue(r.body().trim().endsWith("data: [DONE]"), r.body());
        }
    }

    @Test
    void maxConcurrentStreams_isHonoured() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(
                        null, Http2Settings.defaultSettings().maxConcurrentStreams(2));
                TestGateway g = TestGateway.start(
                        config("server: {io_threads: 1}\nupstream: {max_connections_per_loop: 1}\n", h2))) {
            h2.setDefault(Behaviour.chatCompletion(MockUpstream.DEFAULT_CONTENT).withDelay(Duration.ofMillis(100)));

            assertAllOk(concurrently(g, 10, CHAT));

            assertEquals(2, h2.maxOpenStreams());
            assertEquals(1, h2.connectionsAccepted());
            assertEquals(0, h2.streamResets(), "no stream refused or reset");
        }
    }

    @Test
    void goAway_letsStreamsInFlightFinish_andNewRequestsUseANewConnection() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config("server: {io_threads: 1}\n", h2))) {
            h2.setDefault(Behaviour.chatCompletion(MockUpstream.DEFAULT_CONTENT).withDelay(Duration.ofMillis(500)));
            CompletableFuture<List<HttpResponse<String>>> first =
                    CompletableFuture.supplyAsync(() -> unchecked(() -> concurrently(g, 10, CHAT)));
            Await.until("10 requests at the provider", () -> h2.requests().size() == 10);

            h2.goAway();
            List<HttpResponse<String>> second = concurrently(g, 10, CHAT);

            assertAllOk(first.get(30, TimeUnit.SECONDS));
            assertAllOk(second);
            assertEquals(2, h2.connectionsAccepted());
            assertEquals(20, h2.requests().size(), "none lost, none processed twice");
            assertTrue(h2.requests().subList(0, 10).stream().allMatch(r -> r.connectionId() == 1));
        }
    }

    @Test
    void streamResetBeforeTheFirstByte_failsOverToTheNextProvider() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                MockUpstream spare = MockUpstream.start();
                TestGateway g = TestGateway.start("""
                        api_provider:
                          p: {base_url: %s, http2: true}
                          spare: {base_url: %s}
                        model_config:
                          gpt-4o:
                            p: {}
                            spare: {}
                        """.formatted(h2.baseUrl(), spare.baseUrl()))) {
            h2.enqueue(Behaviour.dropConnection()); // on a stream: RST_STREAM before any answer

            HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, h2.requests().size());
            assertEquals(1, spare.requests().size(), "failed over");
            assertEquals(1, h2.openConnections(), "the reset ended the stream, not the connection");
        }
    }

    @Test
    void clientDisconnect_resetsTheProviderStream_andKeepsTheConnection() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config("", h2))) {
            h2.setDefault(Behaviour.stall());
            try (RawHttp client = RawHttp.connect(g.port())) {
                client.send(RawHttp.post("/v1/chat/completions", CHAT));
                Await.until("the request at the provider", () -> h2.requests().size() == 1);
            }

            Await.until("the stream reset", () -> h2.streamResets() == 1);
            assertEquals(1, h2.openConnections());
        }
    }

    @Test
    void openAiSdk_throughTheGateway_toAnHttp2Provider() throws Exception {
        try (MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
                TestGateway g = TestGateway.start(config("", h2))) {
            OpenAIClient client = g.openai();

            ChatCompletion c = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model(ChatModel.GPT_4O)
                            .addUserMessage("hi")
                            .build());

            assertEquals(
                    MockUpstream.DEFAULT_CONTENT,
                    c.choices().get(0).message().content().orElseThrow());
            assertEquals(15, c.usage().orElseThrow().totalTokens());
        }
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T unchecked(Call<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
