package io.llmgateway.testing;

import static io.llmgateway.testing.TestJson.at;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MockUpstreamTest {

    private static final String CHAT = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[]}";
    private static final String STREAM_USAGE =
            "{\"model\":\"gpt-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";

    private static HttpClient client;
    private MockUpstream mock;

    @BeforeAll
    static void createClient() {
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterAll
    static void closeClient() {
        client = null;
    }

    @BeforeEach
    void startMock() {
        mock = MockUpstream.start();
    }

    @AfterEach
    void stopMock() {
        mock.close();
    }

    @Test
    void baseUrl_pointsAtLoopbackPort() {
        assertEquals(URI.create("http://127.0.0.1:" + mock.port() + "/v1"), mock.baseUrl());
        assertTrue(mock.port() > 0);
    }

    @Test
    void defaultBehaviour_echoesModelWithUsage() throws Exception {
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("content-type").orElseThrow());
        assertEquals(
                response.body().getBytes(UTF_8).length,
                Integer.parseInt(response.headers().firstValue("content-length").orElseThrow()));
        Object json = TestJson.parse(response.body());
        assertEquals("gpt-test", at(json, "model"));
        assertEquals("chat.completion", at(json, "object"));
        assertEquals(MockUpstream.DEFAULT_CONTENT, at(json, "choices", 0, "message", "content"));
        assertEquals("stop", at(json, "choices", 0, "finish_reason"));
        assertEquals(10L, at(json, "usage", "prompt_tokens"));
        assertEquals(5L, at(json, "usage", "completion_tokens"));
        assertEquals(15L, at(json, "usage", "total_tokens"));
    }

    @Test
    void chatCompletion_customContentAndUsage() throws Exception {
        mock.setDefault(Behaviour.chatCompletion("quote \" and\nnewline", 7, 3));
        Object json = TestJson.parse(post("/chat/completions", CHAT).body());
        assertEquals("quote \" and\nnewline", at(json, "choices", 0, "message", "content"));
        assertEquals(10L, at(json, "usage", "total_tokens"));
    }

    @Test
    void json_statusBodyAndExtraHeaders() throws Exception {
        mock.setDefault(Behaviour.json(201, "{\"ok\":true}").withHeader("x-ratelimit-remaining-requests", "7"));
        HttpResponse<String> response = post("/anything", "{}");
        assertEquals(201, response.statusCode());
        assertEquals("{\"ok\":true}", response.body());
        assertEquals(
                "7",
                response.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
    }

    @Test
    void error_hasOpenAiShape() throws Exception {
        mock.setDefault(Behaviour.error(503, "server_error", "overloaded"));
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals(503, response.statusCode());
        Object json = TestJson.parse(response.body());
        assertEquals("overloaded", at(json, "error", "message"));
        assertEquals("server_error", at(json, "error", "type"));
        assertNull(at(json, "error", "param"));
    }

    @Test
    void rateLimited_sends429WithRetryAfter() throws Exception {
        mock.setDefault(Behaviour.rateLimited(17));
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals(429, response.statusCode());
        assertEquals("17", response.headers().firstValue("retry-after").orElseThrow());
        assertEquals("rate_limit_exceeded", at(TestJson.parse(response.body()), "error", "code"));
    }

    @Test
    void enqueue_oneShotsComeFirstThenDefault() throws Exception {
        mock.enqueue(Behaviour.error(500, "server_error", "a"), Behaviour.rateLimited(1));
        assertEquals(500, post("/chat/completions", CHAT).statusCode());
        assertEquals(429, post("/chat/completions", CHAT).statusCode());
        assertEquals(200, post("/chat/completions", CHAT).statusCode());
    }

    @Test
    void embeddings_oneVectorPerInput() throws Exception {
        mock.setDefault(Behaviour.embeddings(4, 6));
        Object json = TestJson.parse(post("/embeddings", "{\"model\":\"emb\",\"input\":[\"a\",\"b\",\"c\"]}")
                .body());
        assertEquals("list", at(json, "object"));
        assertEquals(3, ((List<?>) at(json, "data")).size());
        assertEquals(2L, at(json, "data", 2, "index"));
        assertEquals(4, ((List<?>) at(json, "data", 1, "embedding")).size());
        assertEquals(6L, at(json, "usage", "prompt_tokens"));
        assertEquals("emb", at(json, "model"));
    }

    @Test
    void sse_withoutIncludeUsage_hasNoUsageChunk() throws Exception {
        mock.setDefault(Behaviour.sse("Hel", "lo"));
        HttpResponse<String> response = post("/chat/completions", STREAM);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertFalse(response.body().contains("usage"), response.body());
        List<String> data = TestSse.data(response.body());
        assertEquals(5, data.size(), data::toString);
        assertEquals("assistant", at(TestJson.parse(data.get(0)), "choices", 0, "delta", "role"));
        assertEquals("Hello", contentOf(data));
        Object last = TestJson.parse(data.get(3));
        assertEquals("chat.completion.chunk", at(last, "object"));
        assertEquals("stop", at(last, "choices", 0, "finish_reason"));
        assertEquals("[DONE]", data.get(4));
        assertTrue(response.body().endsWith("data: [DONE]\n\n"));
    }

    @Test
    void sse_withIncludeUsage_sendsUsageOnlyChunkBeforeDone() throws Exception {
        mock.setDefault(Behaviour.sse("a", "b").withUsage(3, 2));
        List<String> data = TestSse.data(post("/chat/completions", STREAM_USAGE).body());
        assertEquals(6, data.size(), data::toString);
        Object usageChunk = TestJson.parse(data.get(4));
        assertEquals(List.of(), at(usageChunk, "choices"));
        assertEquals(5L, at(usageChunk, "usage", "total_tokens"));
        assertEquals(3L, at(usageChunk, "usage", "prompt_tokens"));
        // OpenAI marks every other chunk with "usage":null when usage was asked for.
        assertNull(at(TestJson.parse(data.get(1)), "usage"));
        assertEquals("[DONE]", data.get(5));
    }

    @Test
    void sse_includeUsageOnlyInMessageText_isNotMistakenForTheOption() throws Exception {
        mock.setDefault(Behaviour.sse("x"));
        String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"{\\\"stream_options\\\":{\\\"include_usage\\\":true}}\"}]}";
        assertFalse(post("/chat/completions", body).body().contains("\"usage\""));
    }

    @Test
    void sse_withoutUsage_neverSendsUsage() throws Exception {
        mock.setDefault(Behaviour.sse("x").withoutUsage());
        String body = post("/chat/completions", STREAM_USAGE).body();
        assertFalse(body.contains("usage"), body);
        assertEquals(4, TestSse.data(body).size());
    }

    @Test
    void sse_crlf_usesCrlfLineEndings() throws Exception {
        mock.setDefault(Behaviour.sse("x").crlf(true));
        String body = post("/chat/completions", STREAM).body();
        assertTrue(body.endsWith("data: [DONE]\r\n\r\n"), body);
        assertFalse(body.replace("\r\n", "").contains("\n"));
        assertEquals("x", contentOf(TestSse.data(body)));
    }

    @Test
    void sse_paced_spacesEventsApart() throws Exception {
        mock.setDefault(Behaviour.sse("a", "b", "c").paced(Duration.ofMillis(40)));
        long start = System.nanoTime();
        String body = post("/chat/completions", STREAM).body();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // 6 events -> 5 gaps of 40 ms.
        assertTrue(elapsedMillis >= 190, "took " + elapsedMillis + " ms");
        assertEquals("abc", contentOf(TestSse.data(body)));
    }

    @Test
    void sse_splitEvents_writesEachEventInTwoChunks() throws Exception {
        mock.setDefault(Behaviour.sse("héllo", "wörld").splitEvents(true));
        try (Socket socket = rawPost(STREAM)) {
            Raw raw = readRaw(socket.getInputStream(), "\r\n0\r\n\r\n");
            assertEquals("terminator", raw.ending());
            List<String> chunks = chunks(raw.bytes());
            assertEquals(10, chunks.size(), chunks::toString);
            assertEquals(
                    List.of(),
                    chunks.stream()
                            .filter(c -> c.startsWith("data: ") && c.endsWith("\n\n"))
                            .toList());
            List<String> data = TestSse.data(joined(chunks));
            assertEquals("héllowörld", contentOf(data));
            assertEquals("[DONE]", data.get(data.size() - 1));
        }
    }

    @Test
    void sse_resetAfter_resetsConnectionMidStream() throws Exception {
        mock.setDefault(Behaviour.sse("a", "b", "c").resetAfter(2));
        try (Socket socket = rawPost(STREAM)) {
            Raw raw = readRaw(socket.getInputStream(), "\r\n0\r\n\r\n");
            assertNotEquals("terminator", raw.ending());
            assertNotEquals("timeout", raw.ending());
            List<String> data = TestSse.data(joined(chunks(raw.bytes())));
            assertEquals(2, data.size(), data::toString);
        }
        mock.connectionClosed(1).get(2, TimeUnit.SECONDS);
    }

    @Test
    void sse_stallAfter_keepsConnectionOpenWithoutMoreEvents() throws Exception {
        mock.setDefault(Behaviour.sse("a", "b", "c").stallAfter(3));
        try (Socket socket = rawPost(STREAM)) {
            socket.setSoTimeout(300);
            Raw raw = readRaw(socket.getInputStream(), "\r\n0\r\n\r\n");
            assertEquals("timeout", raw.ending());
            assertEquals(3, TestSse.data(joined(chunks(raw.bytes()))).size());
            assertEquals(1, mock.openConnections());
        }
    }

    @Test
    void streamAware_picksByStreamFlag() throws Exception {
        mock.setDefault(Behaviour.streamAware(Behaviour.chatCompletion("plain"), Behaviour.sse("streamed")));
        assertEquals(
                "plain",
                at(TestJson.parse(post("/chat/completions", CHAT).body()), "choices", 0, "message", "content"));
        assertEquals(
                "streamed",
                contentOf(TestSse.data(post("/chat/completions", STREAM).body())));
    }

    @Test
    void withDelay_holdsBackTheHeaders() throws Exception {
        mock.setDefault(Behaviour.chatCompletion("late").withDelay(Duration.ofMillis(150)));
        long start = System.nanoTime();
        assertEquals(200, post("/chat/completions", CHAT).statusCode());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 140);
    }

    @Test
    void slowDrip_deliversTheWholeBody() throws Exception {
        mock.setDefault(Behaviour.chatCompletion("dripped").slowDrip(64, Duration.ofMillis(1)));
        HttpResponse<String> response = post("/chat/completions", CHAT);
        assertEquals("dripped", at(TestJson.parse(response.body()), "choices", 0, "message", "content"));
    }

    @Test
    void dropConnection_failsTheRequest() {
        mock.setDefault(Behaviour.dropConnection());
        assertThrows(IOException.class, () -> post("/chat/completions", CHAT));
        assertEquals(1, mock.requests().size());
    }

    @Test
    void garbage_failsTheRequest() {
        mock.setDefault(Behaviour.garbage());
        assertThrows(IOException.class, () -> post("/chat/completions", CHAT));
    }

    @Test
    void halfHeaders_failsTheRequest() throws Exception {
        mock.setDefault(Behaviour.halfHeaders());
        try (Socket socket = rawPost(CHAT)) {
            Raw raw = readRaw(socket.getInputStream(), "\r\n\r\n");
            assertEquals("eof", raw.ending());
            assertTrue(new String(raw.bytes(), UTF_8).startsWith("HTTP/1.1 200 OK\r\n"));
        }
        assertThrows(IOException.class, () -> post("/chat/completions", CHAT));
    }

    @Test
    void stall_neverAnswers() {
        mock.setDefault(Behaviour.stall());
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofMillis(200))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                .build();
        assertThrows(HttpTimeoutException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void requests_recordMethodUriHeadersAndBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/chat/completions?x=1"))
                .header("Authorization", "Bearer sk-test")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                .build();
        client.send(request, HttpResponse.BodyHandlers.ofString());
        RecordedRequest recorded = mock.takeRequest(Duration.ofSeconds(2));
        assertEquals("POST", recorded.method());
        assertEquals("/v1/chat/completions?x=1", recorded.uri());
        assertEquals("Bearer sk-test", recorded.header("authorization"));
        assertEquals("application/json", recorded.headers().get("CONTENT-TYPE"));
        assertEquals(CHAT, recorded.body());
        assertFalse(recorded.toString().contains("sk-test"));
        assertEquals(List.of(recorded), mock.requests());
        assertNull(mock.takeRequest(Duration.ofMillis(10)));
    }

    @Test
    void keepAlive_reusesOneConnection() throws Exception {
        post("/chat/completions", CHAT);
        post("/chat/completions", STREAM);
        post("/chat/completions", CHAT);
        assertEquals(1, mock.connectionsAccepted());
        assertEquals(1, mock.openConnections());
        assertEquals(
                List.of(1, 1, 1),
                mock.requests().stream().map(RecordedRequest::connectionId).toList());
    }

    @Test
    void connectionClose_isHonouredAndCounted() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", mock.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                            + CHAT.length() + "\r\n\r\n" + CHAT)
                    .getBytes(UTF_8));
            out.flush();
            Raw raw = readRaw(socket.getInputStream(), "never");
            assertEquals("eof", raw.ending());
            assertTrue(new String(raw.bytes(), UTF_8).contains(MockUpstream.DEFAULT_CONTENT));
        }
        assertTrue(mock.awaitConnectionsClosed(1, Duration.ofSeconds(2)));
        assertEquals(0, mock.openConnections());
    }

    @Test
    void connectionClosed_completesWhenClientAborts() throws Exception {
        mock.setDefault(Behaviour.sse("a", "b").stallAfter(1));
        Socket socket = rawPost(STREAM);
        RecordedRequest recorded = mock.takeRequest(Duration.ofSeconds(2));
        assertFalse(mock.connectionClosed(recorded.connectionId()).isDone());
        socket.close();
        mock.connectionClosed(recorded.connectionId()).get(2, TimeUnit.SECONDS);
        assertTrue(mock.awaitConnectionsClosed(1, Duration.ofSeconds(2)));
        assertEquals(1, mock.connectionsClosed());
        assertEquals(0, mock.openConnections());
    }

    @Test
    void options_rejectWhatDoesNotApply() {
        assertThrows(
                IllegalStateException.class, () -> Behaviour.json(200, "{}").paced(Duration.ofMillis(1)));
        assertThrows(IllegalStateException.class, () -> Behaviour.stall().withHeader("a", "b"));
        assertThrows(IllegalStateException.class, () -> Behaviour.sse("a").slowDrip(1, Duration.ZERO));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Behaviour.sse("a").resetAfter(-1));
        assertEquals("events: -1 (expected: >= 0)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Behaviour.json(99, "{}"));
    }

    @Test
    void options_leaveTheOriginalUntouched() throws Exception {
        Behaviour base = Behaviour.json(200, "{}");
        base.withHeader("x-extra", "1");
        mock.setDefault(base);
        assertTrue(post("/x", "{}").headers().firstValue("x-extra").isEmpty());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String contentOf(List<String> data) {
        StringBuilder content = new StringBuilder();
        for (String d : data) {
            if (!d.equals("[DONE]")) {
                Object chunk = TestJson.parse(d);
                List<?> choices = (List<?>) at(chunk, "choices");
                if (!choices.isEmpty() && ((Map<?, ?>) at(choices, 0, "delta")).get("content") instanceof String s) {
                    content.append(s);
                }
            }
        }
        return content.toString();
    }

    private Socket rawPost(String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", mock.port());
        socket.setSoTimeout(5000);
        byte[] bytes = body.getBytes(UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(UTF_8));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** What was read, and why reading stopped: terminator, eof, reset or timeout. */
    private record Raw(byte[] bytes, String ending) {}

    private static Raw readRaw(InputStream in, String terminator) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] end = terminator.getBytes(UTF_8);
        try {
            int b;
            while ((b = in.read()) != -1) {
                bytes.write(b);
                if (endsWith(bytes.toByteArray(), end)) {
                    return new Raw(bytes.toByteArray(), "terminator");
                }
            }
            return new Raw(bytes.toByteArray(), "eof");
        } catch (SocketTimeoutException e) {
            return new Raw(bytes.toByteArray(), "timeout");
        } catch (SocketException e) {
            return new Raw(bytes.toByteArray(), "reset");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean endsWith(byte[] data, byte[] end) {
        if (data.length < end.length) {
            return false;
        }
        for (int i = 0; i < end.length; i++) {
            if (data[data.length - end.length + i] != end[i]) {
                return false;
            }
        }
        return true;
    }

    /** Joins chunk payloads and decodes them as UTF-8 (a chunk may end inside a UTF-8 sequence). */
    private static String joined(List<String> chunks) {
        return new String(String.join("", chunks).getBytes(ISO_8859_1), UTF_8);
    }

    /**
     * The payloads of the chunks of a chunked response, as ISO-8859-1 strings (one char per byte;
     * headers skipped; a truncated tail is kept).
     */
    private static List<String> chunks(byte[] response) {
        String text = new String(response, ISO_8859_1);
        int pos = text.indexOf("\r\n\r\n") + 4;
        assertTrue(text.substring(0, pos).toLowerCase().contains("transfer-encoding: chunked"), text);
        List<String> chunks = new ArrayList<>();
        while (pos < text.length()) {
            int lineEnd = text.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(pos, lineEnd), 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            int stop = Math.min(text.length(), start + size);
            chunks.add(text.substring(start, stop));
            pos = stop + 2;
        }
        return chunks;
    }
}
