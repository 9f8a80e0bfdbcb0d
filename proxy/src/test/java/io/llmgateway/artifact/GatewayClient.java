package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestSse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/** Plain HTTP to a {@link GatewayProcess}, and the two answers every artifact case checks: JSON and a stream. */
final class GatewayClient {
    /** What {@link #provider()} answers a chat completion with. */
    static final String ANSWER = "Hello from the mock upstream!";

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final int port;
    private final String scheme;
    private final HttpClient http;

    GatewayClient(int port) {
        this.port = port;
        this.scheme = "http";
        this.http = HTTP;
    }

    /** A client of the TLS listener on {@code port} that trusts what {@code tls} trusts. */
    GatewayClient(int port, SSLContext tls) {
        this.port = port;
        this.scheme = "https";
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(tls)
                .build();
    }

    /** A mock provider answering chat completions with {@link #ANSWER}, and streams with three deltas. */
    static MockUpstream provider() {
        MockUpstream upstream = MockUpstream.start();
        upstream.setDefault(
                Behaviour.streamAware(Behaviour.chatCompletion(ANSWER), Behaviour.sse("Hello", " from", " a stream")));
        return upstream;
    }

    static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    }

    HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        return http.send(postRequest(path, json, headers), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String json, String... headers) {
        return http.sendAsync(postRequest(path, json, headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(url(path)).timeout(TIMEOUT).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat completion for {@code model}, answered 200 with a JSON chat completion; returns the body. */
    String assertChat(String model, String... headers) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(model, false), headers);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(
                r.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                r.headers().toString());
        assertTrue(r.body().contains("\"chat.completion\""), r.body());
        return r.body();
    }

    /** A streamed chat completion for {@code model}: 200, server-sent chunks, ending with {@code [DONE]}. */
    List<String> assertStream(String model, String... headers) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(model, true), headers);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(
                r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"),
                r.headers().toString());
        List<String> events = TestSse.data(r.body());
        assertTrue(events.size() >= 2, r.body());
        assertTrue(events.get(0).contains("\"chat.completion.chunk\""), r.body());
        assertEquals("[DONE]", events.get(events.size() - 1), r.body());
        return events;
    }

    private HttpRequest postRequest(String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path))
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private URI url(String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }
}
