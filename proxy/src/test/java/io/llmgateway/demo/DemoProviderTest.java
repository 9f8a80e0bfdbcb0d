package io.llmgateway.demo;

import static io.llmgateway.testing.TestJson.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestJson;
import io.llmgateway.testing.TestSse;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoProviderTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final String CHAT =
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"be nice\"},"
                    + "{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    private static EventLoopGroup group;
    private static DemoProvider demo;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        demo = DemoProvider.start(group, Clock.fixed(NOW, ZoneOffset.UTC));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        demo.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void baseUrl_pointsAtLoopbackPort() {
        assertEquals(URI.create("http://127.0.0.1:" + demo.port() + "/v1"), demo.baseUrl());
    }

    @Test
    void chat_nonStream_hasOpenAiShape() throws Exception {
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("content-type").orElseThrow());
        Object json = TestJson.parse(response.body());
        assertTrue(((String) at(json, "id")).startsWith("chatcmpl-"));
        assertEquals("chat.completion", at(json, "object"));
        assertEquals(NOW.getEpochSecond(), at(json, "created"));
        assertEquals("gpt-4o", at(json, "model"));
        assertEquals("assistant", at(json, "choices", 0, "message", "role"));
        assertEquals("stop", at(json, "choices", 0, "finish_reason"));
        String content = (String) at(json, "choices", 0, "message", "content");
        assertTrue(content.startsWith("Hello from the LLM Gateway demo provider!"), content);
        assertTrue(content.contains("You said: \"Say hello\"."), content);
        assertTrue(content.contains("config.yaml"), content);
        long prompt = (Long) at(json, "usage", "prompt_tokens");
        long completion = (Long) at(json, "usage", "completion_tokens");
        assertEquals(4, prompt); // "be nice" + "Say hello"
        assertEquals(content.split(" ").length, completion);
        assertEquals(prompt + completion, at(json, "usage", "total_tokens"));
    }

    @Test
    void chat_longMessageWithParts_isQuotedTruncated() throws Exception {
        String longText = "word ".repeat(40);
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"" + longText + "\"}]},{\"role\":\"assistant\",\"content\":\"ignored\"}]}";
        String content =
                (String) at(TestJson.parse(post("/chat/completions", body).body()), "choices", 0, "message", "content");
        String quoted = content.substring(content.indexOf('"') + 1, content.lastIndexOf('"'));
        assertEquals(longText.strip().substring(0, 80) + "…", quoted);
    }

    @Test
    void chat_stream_sendsPacedChunksThenDone() throws Exception {
        String expected =
                (String) at(TestJson.parse(post("/chat/completions", CHAT).body()), "choices", 0, "message", "content");
        long start = System.nanoTime();
        HttpResponse<String> response =
                post("/chat/completions", CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertFalse(response.body().contains("usage"), "usage was not asked for");
        List<String> data = TestSse.data(response.body());
        assertEquals("[DONE]", data.get(data.size() - 1));
        List<Object> chunks = parse(data.subList(0, data.size() - 1));
        for (Object chunk : chunks) {
            assertEquals("chat.completion.chunk", at(chunk, "object"));
            assertEquals(at(chunks.get(0), "id"), at(chunk, "id"));
            assertEquals(1, ((List<?>) at(chunk, "choices")).size());
        }
        assertEquals("assistant", at(chunks.get(0), "choices", 0, "delta", "role"));
        assertEquals("stop", at(chunks.get(chunks.size() - 1), "choices", 0, "finish_reason"));
        assertEquals(expected, content(chunks));
        // Events are 25 ms apart; allow for timer slack but not for an unpaced burst.
        assertTrue(elapsedMillis >= (chunks.size() - 1) * 20L, "took " + elapsedMillis + " ms");
    }

    @Test
    void chat_streamWithIncludeUsage_endsWithUsageOnlyChunk() throws Exception {
        String body =
                CHAT.replace("{\"model\"", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\"");
        List<String> data = TestSse.data(post("/chat/completions", body).body());
        assertEquals("[DONE]", data.get(data.size() - 1));
        List<Object> chunks = parse(data.subList(0, data.size() - 1));
        Object usageChunk = chunks.get(chunks.size() - 1);
        assertEquals(List.of(), at(usageChunk, "choices"));
        long prompt = (Long) at(usageChunk, "usage", "prompt_tokens");
        long completion = (Long) at(usageChunk, "usage", "completion_tokens");
        assertEquals(prompt + completion, at(usageChunk, "usage", "total_tokens"));
        List<Object> contentChunks = chunks.subList(0, chunks.size() - 1);
        for (Object chunk : contentChunks) {
            assertNull(at(chunk, "usage"));
            assertEquals(1, ((List<?>) at(chunk, "choices")).size());
        }
        assertEquals(content(contentChunks).split(" ").length, completion);
    }

    @Test
    void completions_nonStreamAndStreamAgree() throws Exception {
        String body = "{\"model\":\"m\",\"prompt\":\"Once upon a time\"}";
        Object json = TestJson.parse(post("/completions", body).body());
        assertEquals("text_completion", at(json, "object"));
        String text = (String) at(json, "choices", 0, "text");
        assertTrue(text.contains("You said: \"Once upon a time\""), text);
        assertEquals(4L, at(json, "usage", "prompt_tokens"));
        List<String> data = TestSse.data(
                post("/completions", body.replace("{", "{\"stream\":true,")).body());
        assertEquals("[DONE]", data.get(data.size() - 1));
        StringBuilder streamed = new StringBuilder();
        for (Object chunk : parse(data.subList(0, data.size() - 1))) {
            assertEquals("text_completion", at(chunk, "object"));
            streamed.append(at(chunk, "choices", 0, "text"));
        }
        assertEquals(text, streamed.toString());
    }

    @Test
    void embeddings_stringInput_deterministicUnitVector() throws Exception {
        Object first = TestJson.parse(post("/embeddings", "{\"model\":\"e\",\"input\":\"hello world\"}")
                .body());
        Object again = TestJson.parse(post("/embeddings", "{\"model\":\"e\",\"input\":\"hello world\"}")
                .body());
        Object other = TestJson.parse(
                post("/embeddings", "{\"model\":\"e\",\"input\":\"goodbye\"}").body());
        assertEquals("list", at(first, "object"));
        assertEquals("embedding", at(first, "data", 0, "object"));
        List<?> vector = (List<?>) at(first, "data", 0, "embedding");
        assertEquals(DemoHandler.EMBEDDING_DIMENSIONS, vector.size());
        double norm = 0;
        for (Object v : vector) {
            norm += ((Number) v).doubleValue() * ((Number) v).doubleValue();
        }
        assertEquals(1.0, norm, 1e-4);
        assertEquals(vector, at(again, "data", 0, "embedding"));
        assertNotEquals(vector, at(other, "data", 0, "embedding"));
        assertEquals(2L, at(first, "usage", "prompt_tokens"));
        assertEquals(2L, at(first, "usage", "total_tokens"));
    }

    @Test
    void embeddings_arrayInputWithBase64_oneVectorEachDecodable() throws Exception {
        Object floats = TestJson.parse(
                post("/embeddings", "{\"model\":\"e\",\"input\":[\"a\",\"b c\",[1,2,3]]," + "\"dimensions\":4}")
                        .body());
        Object base64 = TestJson.parse(post(
                        "/embeddings",
                        "{\"model\":\"e\",\"input\":[\"a\",\"b c\",[1,2,3]],"
                                + "\"dimensions\":4,\"encoding_format\":\"base64\"}")
                .body());
        assertEquals(3, ((List<?>) at(floats, "data")).size());
        assertEquals(6L, at(floats, "usage", "prompt_tokens"));
        for (int i = 0; i < 3; i++) {
            assertEquals((long) i, at(floats, "data", i, "index"));
            List<?> vector = (List<?>) at(floats, "data", i, "embedding");
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) at(base64, "data", i, "embedding")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(4 * Float.BYTES, bytes.remaining());
            for (Object v : vector) {
                assertEquals(((Number) v).floatValue(), bytes.getFloat());
            }
        }
    }

    @Test
    void responses_nonStream_hasOutputText() throws Exception {
        Object json = TestJson.parse(post("/responses", "{\"model\":\"m\",\"input\":\"Tell me a joke\"}")
                .body());
        assertEquals("response", at(json, "object"));
        assertEquals("completed", at(json, "status"));
        assertEquals(NOW.getEpochSecond(), at(json, "created_at"));
        assertEquals("output_text", at(json, "output", 0, "content", 0, "type"));
        assertTrue(((String) at(json, "output", 0, "content", 0, "text")).contains("Tell me a joke"));
        assertEquals(4L, at(json, "usage", "input_tokens"));
        assertEquals(
                (Long) at(json, "usage", "input_tokens") + (Long) at(json, "usage", "output_tokens"),
                at(json, "usage", "total_tokens"));
    }

    @Test
    void models_listsDemoModels() throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(demo.baseUrl() + "/models"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        Object json = TestJson.parse(response.body());
        assertEquals("list", at(json, "object"));
        List<Object> ids = new ArrayList<>();
        for (Object model : (List<?>) at(json, "data")) {
            assertEquals("model", at(model, "object"));
            ids.add(at(model, "id"));
        }
        assertEquals(DemoProvider.MODELS, ids);
    }

    @Test
    void badJson_is400InOpenAiShape() throws Exception {
        HttpResponse<String> response = post("/chat/completions", "{\"model\": oops");
        assertEquals(400, response.statusCode());
        Object json = TestJson.parse(response.body());
        assertEquals("invalid_request_error", at(json, "error", "type"));
        assertTrue(((String) at(json, "error", "message")).contains("JSON"));
        assertNull(at(json, "error", "param"));
    }

    @Test
    void invalidFields_are400NamingTheField() throws Exception {
        assertEquals("messages", errorParam(post("/chat/completions", "{\"model\":\"m\",\"messages\":[]}")));
        assertEquals(
                "model",
                errorParam(post("/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
        assertEquals(
                "stream",
                errorParam(post("/chat/completions", CHAT.replace("{\"model\"", "{\"stream\":\"yes\",\"model\""))));
        assertEquals("input", errorParam(post("/embeddings", "{\"model\":\"e\",\"input\":[{}]}")));
        assertEquals(
                "encoding_format",
                errorParam(post("/embeddings", "{\"model\":\"e\",\"input\":\"x\",\"encoding_format\":\"hex\"}")));
        assertEquals("prompt", errorParam(post("/completions", "{\"model\":\"m\"}")));
        assertEquals(null, errorParam(post("/chat/completions", "[1,2]")));
    }

    @Test
    void unknownPathOrMethod_is404() throws Exception {
        HttpResponse<String> response = post("/nope", "{}");
        assertEquals(404, response.statusCode());
        assertEquals("Invalid URL (POST /v1/nope)", at(TestJson.parse(response.body()), "error", "message"));
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(URI.create(demo.baseUrl() + "/chat/completions"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get.statusCode());
    }

    @Test
    void connectionClose_isHonoured() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", demo.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
            assertTrue(answer.endsWith("]}"), answer);
        }
    }

    @Test
    void close_stopsListeningAndClosesConnections() throws Exception {
        DemoProvider own = DemoProvider.start(group, Clock.systemUTC());
        try (Socket socket = new Socket("127.0.0.1", own.port())) {
            socket.setSoTimeout(2000);
            byte[] body =
                    CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            assertTrue(in.read() >= 0, "the stream started");
            own.close();
            in.readAllBytes(); // returns only because the demo closed the connection mid-stream
        }
        // Not "connecting now fails": on a shared machine another process may take the freed port at once.
        assertFalse(own.isListening());
    }

    @Test
    void start_rejectsGroupWithoutSocketTransport() {
        DefaultEventLoopGroup local = new DefaultEventLoopGroup(1);
        try {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DemoProvider.start(local, Clock.systemUTC()));
            assertTrue(e.getMessage().startsWith("group: "), e.getMessage());
        } finally {
            local.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(demo.baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String errorParam(HttpResponse<String> response) {
        assertEquals(400, response.statusCode(), response.body());
        return (String) at(TestJson.parse(response.body()), "error", "param");
    }

    private static List<Object> parse(List<String> data) {
        List<Object> chunks = new ArrayList<>();
        for (String d : data) {
            chunks.add(TestJson.parse(d));
        }
        return chunks;
    }

    private static String content(List<Object> chunks) {
        StringBuilder content = new StringBuilder();
        for (Object chunk : chunks) {
            if (((Map<?, ?>) at(chunk, "choices", 0, "delta")).get("content") instanceof String s) {
                content.append(s);
            }
        }
        return content.toString();
    }
}
